"""Chapter 2: SQL injection."""

from marketplace.lessons.base import Exploit, Lesson, Stage

from . import exploits
from .seam import SqlInjectionSeam

LESSON = Lesson(
    slug="sql-injection",
    chapter=2,
    title="SQL injection",
    seam=SqlInjectionSeam,
    package=__name__,
    stages=(
        Stage("concat", "2.1/code", "The SQL is built by pasting the user's text between quotes."),
        Stage(
            "quote-escape",
            "2.1/fix",
            "Quotes are escaped by hand (E'...' with \\' on PostgreSQL, '' on SQLite), "
            "then the text is normalised.",
        ),
        Stage("parametrized", "2.2/fix", "Constant SQL with placeholders; values sent apart."),
        Stage("orm", "2.3/fix", "SQLAlchemy expressions; values are always parameters."),
    ),
    exploits=(
        Exploit(
            "quote-breakout",
            "quote-escape",
            exploits.quote_breakout,
            "A lone ' in the search or the listing form makes the SQL fail.",
        ),
        Exploit(
            "escape-bypass",
            "parametrized",
            exploits.escape_bypass,
            "A payload built for the escaping stores the database version in a listing.",
        ),
        Exploit(
            "union-dump",
            "parametrized",
            exploits.union_dump,
            "UNION SELECT makes the search return users' e-mails and password hashes.",
        ),
    ),
)
