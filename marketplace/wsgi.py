"""WSGI entry point: ``gunicorn marketplace.wsgi:app``.

Run ``marketplace db upgrade`` (or ``marketplace run`` once) before starting workers.
"""

from marketplace import create_app
from marketplace.lessons.state import apply_start_stages

app = create_app()
with app.app_context():
    apply_start_stages(app.config["STAGES"])
