"""Every lesson's text has the same structure, its references, and hand steps that clean up."""

from __future__ import annotations

import re

import pytest

from marketplace.lessons import all_lessons

LESSONS = all_lessons()
HEADINGS = [
    "## Requirement",
    "## The code",
    "## Why it is vulnerable",
    "## The exploit",
    "### By the lab",
    "### By hand",
    "## The fix",
    "## Takeaways",
    "## References",
]
# A shell command that leaves a file behind: a cookie jar, an output file, a redirect.
WRITES = re.compile(r"(-c\s+\"?\$?\w*|\s-o\s+(?!/dev/null)\S+|[^2&]>\s*\"?[\w$/])")


def text(lesson) -> str:
    return (lesson.folder / "README.md").read_text(encoding="utf-8")


def section(body: str, heading: str) -> str:
    start = body.index(heading + "\n")
    level = heading.split()[0]
    end = re.search(rf"^#{{1,{len(level)}}} ", body[start + len(heading) :], re.M)
    return body[start : start + len(heading) + (end.start() if end else len(body))]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_lesson_text_has_the_common_headings_in_order(lesson):
    lines = text(lesson).splitlines()
    positions = []
    for heading in HEADINGS:
        assert heading in lines, f"{lesson.slug}: no '{heading}'"
        positions.append(lines.index(heading))
    assert positions == sorted(positions), f"{lesson.slug}: headings out of order"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_references_name_owasp_top_10_cwe_and_a_cheat_sheet(lesson):
    references = section(text(lesson), "## References")
    assert re.search(r"OWASP Top 10 2021: \[A(0[1-9]|10):2021 ", references), lesson.slug
    assert re.search(r"\bCWE-\d+\b", references), lesson.slug
    assert re.search(r"\[[^]]*Cheat Sheet\]\(https://cheatsheetseries\.owasp\.org/", references)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_hand_steps_write_only_into_a_scratch_folder_they_remove(lesson):
    body = text(lesson)
    blocks = re.findall(r"```sh\n(.*?)```", body, re.S)
    writing = [b for b in blocks if WRITES.search(b.replace("2>&1", ""))]
    if not writing:
        return
    assert "$(mktemp -d)" in body, f"{lesson.slug}: files written outside a scratch folder"
    assert 'rm -r "$S"' in body or 'rm -r "$OLDPWD"' in body, f"{lesson.slug}: never cleaned up"
    for block in writing:
        for line in block.splitlines():
            if line.startswith("<"):
                continue  # a heredoc's XML, not a command
            command = line.split(" #")[0]
            curl = command.split("|")[0]
            found = "curl" in curl and re.search(r"\s-[co]\s+\"?([\w./]+)", curl)
            found = found or re.search(r"(?:^|\s)>\s*\"?([\w./]+)", command)
            assert not found or found.group(1) == "/dev/null", (lesson.slug, line)


def test_the_proxy_guide_is_linked_from_chapters_5_and_6():
    for lesson in LESSONS:
        linked = "docs/PROXY.md" in text(lesson)
        assert linked == (lesson.slug in ("broken-deauthentication", "csrf")), lesson.slug
