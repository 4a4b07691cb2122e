"""What the stages share, and the lesson's own watch over every render of a greeting.

The view calls :func:`render_greeting`, never a stage: it asks the active stage to render,
turns any failure into a :class:`GreetingError` (a 400 with a message, never a 500), and
looks at what the render *did*, for the challenges (issue 13):

- the output holds the app's ``SECRET_KEY``: ``read-config``;
- a process was started while the greeting rendered (seen by an audit hook, PEP 578):
  ``code-execution``;
- the output or the time of one render passed a bound no honest greeting comes near
  (a 300-character greeting of placeholders gives a few kilobytes):
  ``sandbox-resource-exhaustion``.
"""

from __future__ import annotations

import time

from flask import current_app
from markupsafe import Markup

from marketplace.challenges import solved
from marketplace.lessons import active
from marketplace.process_watch import processes_started

LESSON = "template-injection"
# One render may produce at most this much, or take this much CPU time, before the lab
# calls it exhaustion. Placeholders alone stay far below: 300 characters of greeting, names of 100.
RENDER_LIMIT_BYTES = 1024 * 1024
RENDER_LIMIT_SECONDS = 2.0


class GreetingError(ValueError):
    """The greeting cannot be shown; the message says why (HTTP 400)."""


def render_greeting(greeting: str, name: str, count: int) -> Markup:
    """The active stage's rendering of ``greeting``; :class:`GreetingError` if it fails."""
    if not greeting:
        return Markup("")
    stage = active(LESSON)  # looked up first: a slow database is not a slow render
    # CPU time of this thread: a busy machine makes the wall clock slow, not the render.
    began = time.thread_time()
    html = None
    with processes_started() as started:
        try:
            html = stage.render_greeting(greeting, name, count)
        except GreetingError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of a render is the greeting's
            raise GreetingError(
                f"The greeting could not be shown: {exc.__class__.__name__}: {str(exc)[:200]}"
            ) from None
        finally:
            _detect(html, started, time.thread_time() - began)
    return html


def _detect(html: str | None, started: list[str], seconds: float) -> None:
    """Record the challenges this render solved, from what it produced and did."""
    if started:
        solved(LESSON, "code-execution", f"a greeting render started a process: {started[0]}")
    key = current_app.config.get("SECRET_KEY")
    if html is not None and isinstance(key, str) and len(key) >= 8 and key in html:
        solved(LESSON, "read-config", "a rendered greeting contained the app's SECRET_KEY")
    size = len(html) if html is not None else 0
    if size > RENDER_LIMIT_BYTES or seconds > RENDER_LIMIT_SECONDS:
        solved(
            LESSON,
            "sandbox-resource-exhaustion",
            f"one greeting render produced {size} characters in {seconds:.2f} s of CPU "
            f"(bounds: {RENDER_LIMIT_BYTES} characters, {RENDER_LIMIT_SECONDS} s)",
        )
