"""Beyond the course: JSON, checked against a schema, with size limits.

Safe: ``json.loads`` builds only dicts, lists, strings, numbers, booleans and None, so no
file can name a function to call. The size is checked before parsing, and the schema
bounds the rest (one known format, at most 500 listings, title and description lengths,
no other keys) before any listing is created.
"""

import json

from jsonschema import Draft202012Validator

from marketplace.models import DESCRIPTION_MAX, TITLE_MAX

from ..backup import FORMAT, MAX_LISTINGS, VERSION, BackupError, check_size

# FIX: the file must be exactly this shape; anything else is refused with the reason
SCHEMA = {
    "type": "object",
    "required": ["format", "version", "listings"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "listings": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_LISTINGS,
            "items": {
                "type": "object",
                "required": ["title", "description"],
                "additionalProperties": False,
                "properties": {
                    "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
                    "description": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": DESCRIPTION_MAX,
                    },
                },
            },
        },
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


def dump_backup(backup: dict) -> bytes:
    return json.dumps(backup, ensure_ascii=False, indent=1).encode()


def load_backup(data: bytes) -> object:
    check_size(data)  # FIX: bounded before parsing
    try:
        backup = json.loads(data.decode("utf-8"))  # FIX: JSON builds plain values, no objects
    except UnicodeDecodeError:
        raise BackupError("The backup file is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise BackupError(f"The backup file is not valid JSON: {exc}.") from None
    error = next(iter(_VALIDATOR.iter_errors(backup)), None)
    if error is not None:
        # The rule that failed, not the value (which may be the whole file).
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        rule = json.dumps(error.validator_value)[:80]
        raise BackupError(
            f"The backup file does not match its schema at {where}: {error.validator} {rule}."
        )
    return backup
