"""Werkzeug's URL builders compiled once per test process instead of once per app.

Every test builds its own app (its own database), two thousand in a run. Werkzeug compiles
two URL builders for each of the app's ~45 rules by generating Python source (``ast``)
and calling ``compile()``: 13 of the 14 ms that ``create_app`` costs. The generated code
depends only on the rule's parsed parts and on which of them have defaults; it reaches
the rule's converters through ``self`` when it runs. So a builder compiled for one app's
``/listings/<int:id>`` serves every later app's equal rule, bound to that rule.

Rules with a default for one of their own variables have that default folded into the
code as a constant (through the converter): those are compiled as Werkzeug does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.routing.rules import Rule


@contextmanager
def compiled_once() -> Iterator[dict]:
    """Patch ``Rule._compile_builder`` with a per-process cache; yields the cache."""
    original = Rule._compile_builder
    cache: dict = {}

    def compile_builder(self: Rule, append_unknown: bool = True):
        defaults = self.defaults or {}
        if any(dynamic and name in defaults for dynamic, name in self._trace):
            return original(self, append_unknown)
        key = (tuple(self._trace), tuple(defaults), append_unknown)
        if key not in cache:
            cache[key] = original(self, append_unknown)
        return cache[key]

    compile_builder.werkzeugs = original  # for the test that compares the two
    Rule._compile_builder = compile_builder
    try:
        yield cache
    finally:
        Rule._compile_builder = original
