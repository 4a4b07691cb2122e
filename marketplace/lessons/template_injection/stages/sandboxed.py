"""Jinja2's SandboxedEnvironment, with only the two values the greeting may use.

Fixes reading the config and running code: the template sees ``name`` and ``count`` and
nothing else (no ``config``, no ``request``, no Flask globals), and the sandbox refuses
unsafe attributes (``__class__``, ``__globals__``...), so there is no path to ``os``.

Still unsafe: it is a template engine running the seller's code, and the sandbox bounds
what code may *reach*, not how much work it does. ``range`` is capped, but
``{{ 'x' * 10**9 }}`` or loops inside loops are allowed: one short greeting can take a
gigabyte of memory or minutes of CPU on every page view.
"""

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..greeting import GreetingError

# FIX: a sandbox, and autoescaping (the values end up in HTML)
_SANDBOX = SandboxedEnvironment(autoescape=True)


def render_greeting(greeting: str, name: str, count: int) -> Markup:
    try:
        template = _SANDBOX.from_string(greeting)
        # FIX: only the two values; nothing of the app's context goes in
        # VULNERABLE: no bound on the work a template may do ('x' * 10**9)
        return Markup(template.render(name=name, count=count))
    except TemplateError as exc:
        raise GreetingError(f"The greeting could not be shown: {exc}") from None
