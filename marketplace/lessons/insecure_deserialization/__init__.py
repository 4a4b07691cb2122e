"""Chapter 14: insecure deserialization."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import InsecureDeserializationSeam

LESSON = Lesson(
    slug="insecure-deserialization",
    chapter=14,
    title="Insecure deserialization",
    seam=InsecureDeserializationSeam,
    package=__name__,
    stages=(
        Stage("pickle", "beyond", "The backup is a pickle: restoring one runs its code."),
        Stage("yaml-load", "beyond", "The backup is YAML read with yaml.load and yaml.Loader."),
        Stage("json-schema", "beyond", "JSON checked against a schema, with size limits."),
    ),
    exploits=(
        Exploit(
            "pickle-code-execution",
            "yaml-load",
            exploits.pickle_code_execution,
            "A crafted pickle backup runs a harmless command when it is restored.",
        ),
        Exploit(
            "yaml-code-execution",
            "json-schema",
            exploits.yaml_code_execution,
            "A backup with a !!python/object/apply tag runs a harmless command.",
        ),
    ),
)
