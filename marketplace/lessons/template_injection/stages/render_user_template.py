"""The greeting is rendered as a Jinja2 template with Flask's own environment.

Unsafe: the seller's text *is* the template. ``render_template_string`` gives it
everything a page template has: ``config`` (so ``{{ config.SECRET_KEY }}`` prints the key
that signs sessions and CSRF tokens), ``request``, ``url_for``, and globals such as
``cycler`` whose Python attributes lead to ``os`` (``cycler.__init__.__globals__.os``), so
the greeting runs commands on the server. Nothing bounds the work either:
``{{ 'x' * 10**9 }}`` asks for a gigabyte.
"""

from flask import render_template_string
from jinja2 import TemplateError
from markupsafe import Markup

from ..greeting import GreetingError


def render_greeting(greeting: str, name: str, count: int) -> Markup:
    try:
        # VULNERABLE: user text compiled as a template, with the app's config and globals
        return Markup(render_template_string(greeting, name=name, count=count))
    except TemplateError as exc:
        raise GreetingError(f"The greeting could not be shown: {exc}") from None
