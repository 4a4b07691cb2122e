"""Flask extensions, created unbound and initialised in ``create_app``."""

import sqlite3

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    """SQLite ignores foreign keys (and ON DELETE CASCADE) unless each connection asks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def rollback_quietly() -> None:
    """Roll back after a database error; if the connection is gone, drop it instead.

    During an outage the rollback itself can fail (the connection died mid-transaction);
    letting that escape from an error handler turns the intended 503 into a 500.
    """
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - any failure here means the connection is unusable
        db.session.close()
