"""Wrong fix: a fresh ``jinja2.Environment`` with only the two values, no Flask context.

No ``config`` any more, so the key is safe. But a plain Environment is no sandbox: its
default globals (``cycler``, ``joiner``, ``lipsum``, ``namespace``) are Python objects,
and ``cycler.__init__.__globals__.os`` still leads to ``os``: the greeting runs commands.

Caught by: code-execution
"""

from jinja2 import Environment, TemplateError
from markupsafe import Markup

from ..greeting import GreetingError

_ENV = Environment(autoescape=True)


def render_greeting(greeting: str, name: str, count: int) -> Markup:
    try:
        return Markup(_ENV.from_string(greeting).render(name=name, count=count))
    except TemplateError as exc:
        raise GreetingError(f"The greeting could not be shown: {exc}") from None
