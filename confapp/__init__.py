"""confapp: the conference system for local child-protection networks."""
from __future__ import annotations

from pathlib import Path

from flask import has_request_context, request, session

from confapp import (cli, database, errors, formatting, input_checks, labels, log_privacy, plaintext, security,
                     upload_limits)
from confapp.templating import ConfApp
from confapp.api import bp as api_bp
from confapp.checkin import bp as checkin_bp
from confapp.manage import bp as manage_bp
from confapp.public import bp as public_bp
from confapp.services.mail import outbox as mail
from confapp.config import load_config
from confapp.extensions import babel, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


LANGUAGES = ("de", "en")


def select_locale() -> str:
    """The language the visitor chose with the switch; else the browser's preference (German first)."""
    if not has_request_context() or request.blueprint == "api":
        return "de"  # the API answers in the caller's language itself (confapp.api.problems)
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="de")


def create_app(config: dict | None = None) -> ConfApp:
    """The app factory: configuration from the environment, ``config`` overriding it."""
    app = ConfApp(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_relative_config=True,
    )
    app.config.update(load_config(app.instance_path, config))
    log_privacy.install()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    upload_limits.init_app(app)  # before CSRF: its check reads the body
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    limiter.init_app(app)
    if (app.config["RATELIMIT_STORAGE_URI"].startswith("memory://") and app.config["RATELIMIT_ENABLED"]
            and not (app.debug or app.testing)):
        # Sign-in limits then count per process: with four workers four times the attempts get through.
        app.logger.warning("Rate limits are kept in memory, per process. With several workers or machines "
                           "set RATELIMIT_STORAGE_URI (e.g. redis://localhost:6379/0) so they are shared.")
    login_manager.init_app(app)
    login_manager.login_view = "manage.login"
    login_manager.login_message = None  # the sign-in page explains itself
    login_manager.session_protection = "basic"

    app.register_blueprint(public_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(checkin_bp)
    csrf.exempt(api_bp)  # bearer tokens, no cookies: CSRF does not apply

    mail.init_app(app)
    input_checks.init_app(app)
    security.init_app(app)
    errors.register(app)
    formatting.register(app)
    labels.register(app)
    plaintext.register(app)
    cli.register(app)

    @app.context_processor
    def inject_language():
        # Also used outside requests (e-mails, documents, CLI): no request means German.
        path = request.full_path.rstrip("?") if has_request_context() else "/"
        return {"current_language": select_locale(), "current_path": path}

    return app
