"""WSGI entry point: ``gunicorn marketplace.wsgi:app``.

Run ``marketplace db upgrade`` (or ``marketplace run`` once) before starting workers.
"""

import os
import time

from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace import create_app
from marketplace.extensions import db
from marketplace.lessons.state import apply_start_stages

ATTEMPTS = 8

app = create_app()
with app.app_context():
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
