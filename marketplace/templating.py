"""Compiled templates, shared by every app in the process.

Each app that ``create_app`` builds has its own Jinja environment, which compiles every
template again at its first use (10-20 ms a template). The test suite builds an app per
test, and ``audit`` and ``fix check`` a scratch app per run. Jinja's bytecode cache keeps
the compiled code under the template's name and file, with a checksum of its source: an
edited template is compiled again. The apps compile identically (the same options and
extensions, set in ``create_app``), so one cache in memory serves them all.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class ProcessBytecodeCache(BytecodeCache):
    """Jinja bytecode kept in this process's memory (nothing is written to disk)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored when the checksum no longer matches

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


BYTECODE = ProcessBytecodeCache()
