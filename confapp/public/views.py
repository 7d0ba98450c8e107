"""Views of the public blueprint: parse, call a service, render."""
from urllib.parse import urlsplit

from flask import redirect, render_template, request, session, url_for

from confapp.public import bp
from confapp.services import events


@bp.get("/")
def index():
    return render_template("public/index.html", events=events.public_events())


@bp.get("/e/<slug>")
@bp.get("/e/<slug>/")
def event(slug: str):
    return render_template("public/event.html", event=events.published_or_404(slug))


@bp.get("/sprache/<language>")
def choose_language(language: str):
    """Remember the visitor's language and go back where they were (only within this site)."""
    if language in ("de", "en"):
        session["lang"] = language
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        target = url_for(".index")
    return redirect(target)
