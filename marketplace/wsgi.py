"""WSGI entry point: ``gunicorn marketplace.wsgi:app``.

Run ``marketplace db upgrade`` (or ``marketplace run`` once) before starting workers.
"""

import os
import sys
import time

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from marketplace import create_app
from marketplace.cli import database_advice
from marketplace.extensions import db
from marketplace.lessons.state import apply_start_stages

ATTEMPTS = 8
# gunicorn's arbiter halts (instead of booting worker after worker) when one exits with 4.
APP_LOAD_ERROR = 4


def _refuse_to_boot(message: str) -> None:
    print(f"marketplace: {message}", file=sys.stderr, flush=True)
    sys.exit(APP_LOAD_ERROR)


app = create_app()
with app.app_context():
    try:
        migrated = inspect(db.engine).has_table("lesson_stages")
    except SQLAlchemyError as exc:
        _refuse_to_boot(database_advice(exc))
    if not migrated:
        _refuse_to_boot(
            "the database has no tables yet; run `marketplace db upgrade` (with the same "
            "MARKETPLACE_DATABASE_URL) before starting gunicorn."
        )
    # Every worker applies the start stages as it boots; workers booting together race on
    # the same rows (a UNIQUE violation, or SQLite's write lock). They all write the same
    # values, so retrying is enough; a worker that failed here would stop gunicorn.
    for attempt in range(ATTEMPTS):
        try:
            apply_start_stages(app.config["STAGES"])
            break
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1) + (os.getpid() % 10) * 0.01)
