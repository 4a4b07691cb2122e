"""Turn a lesson's text and stage sources into HTML: markdown, highlights, diffs."""

from __future__ import annotations

import difflib
import re

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

# Raw HTML in lesson text is shown as text, never rendered.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown(text: str) -> Markup:
    # Html disabled, output escaped.
    return Markup(_MARKDOWN.render(text))  # noqa: S704  # nosec B704


def decisive_class(line: str) -> str | None:
    if re.search(r"#\s*VULNERABLE\b", line):
        return "decisive-vulnerable"
    if re.search(r"#\s*FIX\b", line):
        return "decisive-fix"
    return None


def highlighted_source(source: str) -> Markup:
    """The source, escaped, with the ``# VULNERABLE:`` / ``# FIX:`` lines marked."""
    lines = []
    for number, line in enumerate(source.splitlines(), start=1):
        text = f"{number:>3}  {escape(line)}"
        css = decisive_class(line)
        lines.append(f'<span class="{css}">{text}</span>' if css else text + "\n")
    # Every piece escaped above.
    return Markup("".join(lines))  # noqa: S704  # nosec B704


def diff(before: str, after: str, before_name: str, after_name: str) -> Markup:
    rows = []
    for line in difflib.unified_diff(
        before.splitlines(), after.splitlines(), before_name, after_name, lineterm=""
    ):
        css = "add" if line.startswith("+") else "del" if line.startswith("-") else None
        text = escape(line)
        rows.append(f'<span class="{css}">{text}</span>' if css else f"{text}\n")
    # Every piece escaped above.
    return Markup("".join(rows))  # noqa: S704  # nosec B704
