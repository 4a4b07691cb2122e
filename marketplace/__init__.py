"""Secure Coding with Python: the marketplace app whose lessons switch between stages."""

from __future__ import annotations

import os

from flask import Flask, redirect, url_for
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event

from . import clock, config, errors, hosts, inputs, security, security_hooks, templating
from .extensions import db, migrate

__all__ = ["create_app"]


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; ``test_config`` overrides what the environment says."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    settings = config.from_environment(app.instance_path)
    if test_config:
        settings.update(test_config)
    app.config.update(settings)
    _bound_database_waits(app)
    _refuse_unsafe_production(app)

    db.init_app(app)
    if app.config.get("SCRATCH_DATABASE"):
        _no_disk_flush(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))

    from .auth import load_logged_in_user
    from .lesson_sessions import LessonSessionInterface

    app.session_interface = LessonSessionInterface()
    # Who may talk to the app comes first: a refused Host or client reaches no view.
    app.before_request(hosts.check_host)
    app.before_request(hosts.vulnerable_stages_loopback_only)
    app.before_request(inputs.refuse_nul_characters)
    app.before_request(security_hooks.check_origin)
    app.before_request(load_logged_in_user)
    app.after_request(security_hooks.add_headers)
    app.jinja_env.bytecode_cache = templating.BYTECODE  # compiled once per process
    app.jinja_env.globals["csp_nonce"] = security.csp_nonce
    # Flask-WTF checks tokens per form (some lesson stages turn it off for one form),
    # so there is no global CSRFProtect; templates still need its token helper.
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.jinja_env.filters["time"] = clock.time_element
    errors.register(app)

    from . import api, backups, listings, media, user

    app.register_blueprint(user.bp)
    app.register_blueprint(listings.bp)
    app.register_blueprint(backups.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(api.bp)
    if app.config["LAB_ENABLED"]:
        from .lab import views as lab

        lab.register(app)
        from .lab import challenges

        challenges.install(app)  # solves, notices, the lessons' detectors

    @app.route("/favicon.ico")
    def favicon():
        """Browsers ask for it on every first visit: a small static icon, not a 404."""
        return app.send_static_file("favicon.svg")

    @app.route("/")
    def home():
        """The marketplace starts at the listings."""
        return redirect(url_for("listings.index"))

    @app.context_processor
    def lab_context():
        return {"lab_enabled": app.config["LAB_ENABLED"]}

    return app


def _bound_database_waits(app: Flask) -> None:
    """A database that does not answer costs seconds, not minutes: then the 503 page.

    A server's pooled connections are pinged when checked out, so that the ones a restart
    of the server killed are replaced (docs/SCALE.md). A SQLite file has no server to lose:
    the ping would be a ``SELECT 1`` on every request, 40% of what checking out costs.
    """
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", 2)  # libpq waits forever by default
        options["connect_args"] = connect_args
        options.setdefault("pool_timeout", 5)  # waiting for a free pooled connection
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _no_disk_flush(app: Flask) -> None:
    """A disposable SQLite database (a test's, or the scratch copy ``audit`` and ``fix
    check`` attack) need not survive a power cut: it skips the flush to disk at each
    commit, which costs more than the rest of a small write. Never for the lab's own."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _synchronous_off)


def _synchronous_off(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def _refuse_unsafe_production(app: Flask) -> None:
    """Production refuses vulnerable stages at start-up, with a message saying why."""
    from .lessons.state import StageError, parse_stages, vulnerable_choices

    try:
        chosen = parse_stages(app.config["STAGES"])
    except StageError as exc:
        raise config.ConfigError(str(exc)) from None
    if app.config["MARKETPLACE_ENV"] == "production":
        unsafe = vulnerable_choices(chosen)
        if unsafe:
            raise config.ConfigError(
                "MARKETPLACE_ENV=production refuses vulnerable stages "
                f"({', '.join(unsafe)}); unset MARKETPLACE_STAGES or use lab mode "
                "(MARKETPLACE_ENV=development) on your own machine."
            )
