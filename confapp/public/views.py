"""Views of the public blueprint: parse, call a service, render."""
import hashlib
from urllib.parse import urlsplit

from flask import abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from confapp.extensions import db
from confapp.models import ChoiceMode, Event, LegalKind
from confapp.public import bp, page_cache
from confapp.services.documents import cover
from confapp.services.events import public_page
from confapp.services.materials import library as material_library
from confapp.services.events import lookup as events
from confapp.services.networks import access
from confapp.services.privacy import legal
from confapp.services.registration import lookup as registration_lookup


@bp.get("/")
def index():
    listed = events.public_events()
    networks = sorted({event.network for event in listed}, key=lambda network: network.name)
    return render_template("public/index.html", events=listed, networks=networks)


@bp.get("/e/<slug>", strict_slashes=False)
def event(slug: str):
    def render():
        shown = events.published_or_404(slug)
        # Ranked mode: seats are given after registration closes, so "free" would mislead; show demand.
        wishes = registration_lookup.wish_counts(shown) if shown.choice_mode == ChoiceMode.ranked else None
        return render_template("public/event.html", event=shown, wishes=wishes,
                               materials=material_library.materials_of(shown, public_only=True)), shown
    return page_cache.serve("event", slug, render)


@bp.get("/e/<slug>/titelbild")
def event_cover(slug: str):
    """The event's cover photo (the flyers' picture) for its public page; 404 without one."""
    key = public_page.page_key(slug)
    photo = cover.cover_of(db.session.get(Event, key.event_id)) if key is not None and key.public else None
    if photo is None:
        abort(404)
    response = make_response(photo[0])
    response.mimetype = photo[1]
    response.set_etag(hashlib.blake2b(photo[0], digest_size=16).hexdigest())
    response.headers["Cache-Control"] = "public, max-age=86400"  # a new photo comes with a new page version
    return response.make_conditional(request)


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


def _legal(network, kind: LegalKind, event=None, **context):
    """A legal page; its network's admins also see which settings its default still lacks."""
    page = legal.legal_page(network, kind, event)
    missing = [] if page.custom or not access.may(current_user, network, access.ADMINS) \
        else legal.missing_settings(network, kind)
    return render_template("public/legal.html", network=network, event=event, page=page, missing=missing,
                           **context)


@bp.get("/favicon.ico")
def favicon():
    """Browsers and feed readers ask for /favicon.ico whatever the page links; a PNG serves them."""
    return current_app.send_static_file("favicon.png")


@bp.get("/rechtliches")
def legal_overview():
    """Every network's legal pages and every public event's privacy notice, for pages of no network."""
    listed = events.public_events()
    return render_template("public/legal_overview.html", sections=[
        (network, [event for event in listed if event.network_id == network.id]) for network in access.all_networks()])


@bp.app_template_global()
def footer_networks() -> list:
    """The networks whose legal pages a page without its own network links in its footer.
    An error page must still render when the database is what failed: then it links the overview."""
    try:
        return access.all_networks()
    except SQLAlchemyError:
        db.session.rollback()
        return []


@bp.get("/e/<slug>/datenschutz")
def privacy_notice(slug: str):
    event = events.published_or_404(slug)
    return _legal(event.network, LegalKind.privacy, event)


@bp.get("/e/<slug>/leichte-sprache")
def easy_language(slug: str):
    event = events.published_or_404(slug)
    return _legal(event.network, LegalKind.easy_language, event, lang="de")


@bp.get("/n/<network_slug>/impressum")
def imprint(network_slug: str):
    return _legal(legal.network_or_404(network_slug), LegalKind.imprint)


@bp.get("/n/<network_slug>/barrierefreiheit")
def accessibility_statement(network_slug: str):
    return _legal(legal.network_or_404(network_slug), LegalKind.accessibility)


@bp.get("/e/<slug>/widget")
def program_widget(slug: str):
    """The program and a registration link for an iframe on a county website (see docs/embedding.md)."""
    origins = [origin for origin in current_app.config["EMBED_ORIGINS"] if origin.startswith("https://")]
    if origins:
        request.frame_ancestors = " ".join(["'self'", *origins])

    def render():
        shown = events.published_or_404(slug)
        return render_template("public/widget.html", event=shown), shown
    return page_cache.serve("widget", slug, render)
