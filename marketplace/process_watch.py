"""Seeing, from inside the server, that a piece of code started another program.

The lessons whose attacks run commands (template injection, insecure deserialization)
detect their challenges (issue 13) by the effect on the server: a process was started
while a greeting rendered or a backup file was read. An audit hook (PEP 578) sees every
way Python starts one. It is installed once (hooks cannot be removed) and costs one
context-variable read per audited event outside a watched block.
"""

from __future__ import annotations

import contextvars
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# The audit events of starting another program.
PROCESS_EVENTS = frozenset(
    {"os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "subprocess.Popen"}
)

_started: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "processes_started", default=None
)
_installed: list[bool] = []


def _audit(event: str, args: tuple) -> None:
    if event in PROCESS_EVENTS:
        started = _started.get()
        if started is not None:
            started.append(f"{event}{args!r}"[:200])


@contextmanager
def processes_started() -> Iterator[list[str]]:
    """Collect, in the yielded list, every program started inside the ``with`` block."""
    if not _installed:
        sys.addaudithook(_audit)
        _installed.append(True)
    started: list[str] = []
    token = _started.set(started)
    try:
        yield started
    finally:
        _started.reset(token)
