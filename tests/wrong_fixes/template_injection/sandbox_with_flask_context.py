"""Wrong fix: ``SandboxedEnvironment``, but rendered with the Flask context passed in.

"The sandbox makes templates safe", so the greeting gets what page templates get
(``config``, ``request``, ``session``, ``g``) for convenience. The sandbox blocks unsafe
*attributes*, not ordinary data: ``{{ config.SECRET_KEY }}`` is a dictionary lookup, and
prints the key that signs sessions and CSRF tokens.

Caught by: read-config
"""

from flask import current_app, g, request, session
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..greeting import GreetingError

_SANDBOX = SandboxedEnvironment(autoescape=True)


def render_greeting(greeting: str, name: str, count: int) -> Markup:
    context = {"config": current_app.config, "request": request, "session": session, "g": g}
    try:
        template = _SANDBOX.from_string(greeting)
        return Markup(template.render(name=name, count=count, **context))
    except TemplateError as exc:
        raise GreetingError(f"The greeting could not be shown: {exc}") from None
