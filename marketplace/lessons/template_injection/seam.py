"""The seam of the template-injection lesson: what every stage module defines."""

from typing import Protocol

from markupsafe import Markup


class TemplateInjectionSeam(Protocol):
    """Rendering a seller's shop greeting, with its {{ name }} and {{ count }} placeholders."""

    def render_greeting(self, greeting: str, name: str, count: int) -> Markup:
        """The greeting as safe HTML, placeholders filled in; raises
        ``marketplace.lessons.template_injection.greeting.GreetingError`` with a message
        for a greeting that cannot be shown."""
        ...
