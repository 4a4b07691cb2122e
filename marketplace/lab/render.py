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


_HEADING = re.compile(r"(#{2,6})\s+(.*)")
_FENCE = re.compile(r"\s{0,3}(```|~~~)")
# The lesson text's sections that give the attack away: "The exploit", "How the exploits
# show it", "Expected results"... They stay folded until the learner solves or opens them.
_SOLUTION_HEADING = re.compile(r"exploit|expected", re.IGNORECASE)


def solution_sections(text: str) -> list[tuple[str | None, str]]:
    """The text cut into (None, plain part) and (heading, folded part) pieces, in order.

    A folded part runs from a heading naming the exploit to the next heading of the same
    or a higher level; headings inside code fences do not count.
    """
    pieces: list[tuple[str | None, list[str]]] = [(None, [])]
    fold_level = 0
    fence = None
    for line in text.splitlines():
        opening = _FENCE.match(line)
        if opening and (fence is None or opening.group(1) == fence):
            fence = None if fence else opening.group(1)
        heading = None if fence or opening else _HEADING.fullmatch(line.strip())
        if heading:
            level = len(heading.group(1))
            if fold_level and level <= fold_level:
                fold_level = 0
                pieces.append((None, []))
            if not fold_level and _SOLUTION_HEADING.search(heading.group(2)):
                fold_level = level
                pieces.append((heading.group(2).strip("# "), []))
        pieces[-1][1].append(line)
    return [(title, "\n".join(lines)) for title, lines in pieces if any(lines)]


def markdown_folding_solution(text: str, unfolded: bool = False) -> Markup:
    """The lesson text with its solution sections inside "Show the solution" folds."""
    parts = []
    for title, part in solution_sections(text):
        if title is None:
            parts.append(str(markdown(part)))
        else:
            opened = " open" if unfolded else ""
            parts.append(
                f'<details class="solution"{opened}><summary>Show the solution: '
                f"{escape(title)}</summary>{markdown(part)}</details>"
            )
    # Every piece escaped above (markdown() renders with raw HTML off).
    return Markup("".join(parts))  # noqa: S704  # nosec B704
