"""Wrong fix (disables the feature): every greeting is refused.

Nothing is rendered, so nothing is injected, and no seller can have a greeting.

Caught by: feature greeting-placeholders
"""

from markupsafe import Markup

from ..greeting import GreetingError


def render_greeting(greeting: str, name: str, count: int) -> Markup:
    raise GreetingError("Shop greetings are disabled.")
