"""Security headers on every response (DSGVO: no third-party requests; no inline script)."""
from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: Pages load only what the app itself serves. Inline style attributes are allowed (charts,
#: name shrinking); inline script is not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors {frame_ancestors}"
)


def add_security_headers(response):
    """CSP, nosniff, referrer and framing rules; HSTS when served over HTTPS.

    A view that may be embedded elsewhere (the program widget) sets ``request.frame_ancestors``.
    """
    ancestors = getattr(request, "frame_ancestors", None) or "'none'"
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY.format(frame_ancestors=ancestors))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY" if ancestors == "'none'" else "SAMEORIGIN")
    response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if _personal(request):
        response.headers["Cache-Control"] = "no-store"
    return response


#: Blueprints whose every page may show personal data: the back office and the door.
PERSONAL_BLUEPRINTS = frozenset({"manage", "checkin"})


def _personal(request) -> bool:
    """Pages no cache (the browser's, a proxy's) may keep: the back office, the door, the organisers'
    API, and every page reached through a private link (it shows the attendee's registration)."""
    return (request.blueprint in PERSONAL_BLUEPRINTS or request.path.startswith("/api/v1/network/")
            or "token" in (request.view_args or {}))


def init_app(app: Flask) -> None:
    if app.config.get("BEHIND_PROXY"):
        # One reverse proxy in front sets X-Forwarded-Proto/For/Host; trust exactly that one.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.after_request(add_security_headers)
