"""Chapter 13: server-side template injection."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import TemplateInjectionSeam

LESSON = Lesson(
    slug="template-injection",
    chapter=13,
    title="Server-side template injection",
    seam=TemplateInjectionSeam,
    package=__name__,
    stages=(
        Stage(
            "render-user-template",
            "beyond",
            "The greeting is a template: render_template_string with the app's context.",
        ),
        Stage(
            "sandboxed",
            "beyond",
            "Jinja2's SandboxedEnvironment with only {{ name }} and {{ count }}.",
        ),
        Stage("placeholders", "beyond", "No template engine: two placeholders replaced as text."),
    ),
    exploits=(
        Exploit(
            "read-config",
            "sandboxed",
            exploits.read_config,
            "{{ config.SECRET_KEY }} shows the key that signs sessions and CSRF tokens.",
        ),
        Exploit(
            "code-execution",
            "sandboxed",
            exploits.code_execution,
            "A greeting reaches os through a Jinja global and runs a harmless command.",
        ),
        Exploit(
            "sandbox-resource-exhaustion",
            "placeholders",
            exploits.sandbox_resource_exhaustion,
            "A short greeting makes one render produce megabytes: the sandbox allows it.",
        ),
    ),
)
