"""Configuration from environment variables (see DESIGN.md, "The contract")."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


#: The longest a sign-in lasts (issue: "remember me" lasted 365 days).
SESSION_LIMIT = timedelta(days=30)


class ConfigError(RuntimeError):
    """The app cannot start with this configuration."""


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment, then apply ``overrides`` (tests, scripts)."""
    overrides = dict(overrides or {})
    instance = Path(instance_path)
    testing = bool(overrides.get("TESTING"))
    debug = _flag("FLASK_DEBUG", False)
    config = {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": (database_url := _database_url(os.environ.get("DATABASE_URL"), instance)),
        # A database server may restart and drop pooled connections: each is tested before use.
        # An SQLite file has no connection to lose, and the test cost every request time.
        # SQL parameters are names, addresses and tokens: never in an error message or a log.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite"),
                                      "hide_parameters": True},
        # Links, QR codes and e-mails point here; locally it follows the port the app is served on.
        "BASE_URL": (os.environ.get("BASE_URL") or f"http://localhost:{_port()}").rstrip("/"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "confapp <noreply@localhost>"),
        "MAIL_OUTBOX_DIR": str(instance / "outbox"),
        #: How long a mail worker holds one message it is sending before another may take it over.
        "MAIL_CLAIM_SECONDS": int(os.environ.get("MAIL_CLAIM_SECONDS", "300")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "LANGUAGES": ["de", "en"],
        #: Seconds one part of a PDF may take to render before it is stopped with a German error.
        "DOCUMENT_RENDER_SECONDS": float(os.environ.get("DOCUMENT_RENDER_SECONDS", "20")),
        #: Uploads (logos, event files) are small; anything larger is refused before parsing.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        #: "Remember me" lasts at most this long, and a session cookie is refused once this old.
        "REMEMBER_COOKIE_DURATION": SESSION_LIMIT,
        "PERMANENT_SESSION_LIFETIME": SESSION_LIMIT,
        "WTF_CSRF_TIME_LIMIT": None,
        #: Websites (origins, space-separated) that may show the program widget in an iframe.
        "EMBED_ORIGINS": os.environ.get("EMBED_ORIGINS", "").split(),
        #: Behind one reverse proxy that terminates HTTPS (X-Forwarded-* headers are trusted).
        "BEHIND_PROXY": _flag("BEHIND_PROXY", False),
    }
    config.update(overrides)
    if not config.get("SECRET_KEY"):
        if not (debug or testing or config.get("DEBUG")):
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value "
                "(python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        config["SECRET_KEY"] = "insecure-development-key"
    return config


def _port() -> int:
    """``PORT`` (``make run`` serves on it), else Flask's default 5000."""
    value = os.environ.get("PORT", "").strip()
    if not value:
        return 5000
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"PORT must be a port number (1-65535), not {value!r}.")
    return int(value)


def _database_url(url: str | None, instance: Path) -> str:
    if not url:
        return f"sqlite:///{instance / 'confapp.sqlite'}"
    # Heroku-style URLs and bare postgresql:// both mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
