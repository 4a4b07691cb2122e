"""What the SQL stages share: running a statement, shaping the rows, escaping LIKE patterns.

Nothing here builds SQL from input; each stage module writes its own statements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, bindparam, text

from marketplace.clock import utcnow
from marketplace.extensions import db

COLUMNS = ("id", "title", "description", "created_at", "author_name")


def dialect() -> str:
    """``"postgresql"`` or ``"sqlite"``: the hand-escaping stage writes literals per database."""
    return db.engine.dialect.name


def now_literal() -> str:
    """The creation time as SQL text (the app's own clock, never user input)."""
    return "'" + utcnow().strftime("%Y-%m-%d %H:%M:%S.%f") + "'"


def run_statement(sql: str) -> None:
    """Execute one finished SQL string as it is (no parameters) and commit."""
    connection = db.session.connection().execution_options(no_parameters=True)
    connection.exec_driver_sql(sql)
    db.session.commit()


def run_query(sql: str) -> list[dict]:
    """Execute one finished SELECT as it is (no parameters); rows as listing dicts."""
    connection = db.session.connection().execution_options(no_parameters=True)
    return listing_rows(connection.exec_driver_sql(sql))


def run_bound(sql: str, **params: Any) -> Any:
    """Execute SQL with ``:name`` placeholders; the driver receives the values separately."""
    statement = text(sql)
    if "created_at" in params:
        statement = statement.bindparams(bindparam("created_at", type_=DateTime()))
    return db.session.execute(statement, params)


def listing_rows(result) -> list[dict]:
    return [dict(zip(COLUMNS, (*row[:3], _when(row[3]), row[4]), strict=True)) for row in result]


def _when(value: Any) -> Any:
    # SQLite hands raw SQL's timestamps back as text; the ORM stage returns datetimes.
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def like_pattern(q: str) -> str:
    """A LIKE pattern matching ``q`` anywhere, its own ``%``, ``_`` and ``\\`` taken literally."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
