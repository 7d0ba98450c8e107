"""An SVG logo cannot stall the documents: a costly one is refused at upload, and every render has a time bound."""
import io
import time

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import AuditEntry
from confapp.services.networks.logos import LogoError, clean_svg
from tests.conftest import csrf_token, sign_in
from tests.test_logos import png

PAGE = "/manage/e/stark-fuer-familien/dokumente"
#: The logo is a network setting: uploaded on the network's settings page.
SETTINGS = "/manage/n/anhalt-bitterfeld/einstellungen"
UPLOAD = "/manage/n/anhalt-bitterfeld/logo"


def nested_use_svg(levels: int = 9, fan_out: int = 10) -> bytes:
    """About 1.5 KB that draws fan_out ** levels rectangles: each group uses the one before ten times."""
    groups = ['<g id="l0"><rect width="1" height="1"/></g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#l{level - 1}"/>' for _ in range(fan_out))
        groups.append(f'<g id="l{level}">{uses}</g>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><defs>{"".join(groups)}</defs>'
            f'<use href="#l{levels}"/></svg>').encode()


def upload(client, data: bytes, name: str = "logo.svg"):
    page = client.get(SETTINGS).get_data(as_text=True)
    return client.post(UPLOAD, data={"csrf_token": csrf_token(page), "logo": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_nested_use_svg_is_refused_at_upload_in_under_a_second(client, demo, app_context):
    bomb = nested_use_svg()
    assert len(bomb) < 2500
    sign_in(client, "organisation@anhalt-bitterfeld.example")

    started = time.monotonic()
    response = upload(client, bomb)
    took = time.monotonic() - started

    assert took < 1.0
    assert response.status_code == 422 and "Das SVG-Logo ist zu aufwendig" in response.get_data(as_text=True)
    db.session.rollback()
    assert demo[0].network.logo is None


def test_svg_limits_refuse_cycles_depth_and_size_and_keep_ordinary_logos():
    def refused(svg: str) -> str:
        try:
            clean_svg(svg.encode())
        except LogoError as error:
            return str(error)
        return ""

    head = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    assert "im Kreis" in refused(head + '<g id="a"><use xlink:href="#b"/></g><g id="b"><use href="#a"/></g></svg>')
    assert "Ebenen" in refused(head + "<g>" * 60 + "</g>" * 60 + "</svg>")
    assert "Elemente" in refused(head + "<rect/>" * 6000 + "</svg>")
    assert "zu groß" in refused(head + "<desc>" + "x" * 300_000 + "</desc></svg>")
    assert "aufwendig" in refused(head + '<clipPath id="c">' + '<rect/>' * 2000 + '</clipPath>'
                                  + '<rect clip-path="url(#c)"/>' * 20 + "</svg>")
    ordinary = head + '<defs><g id="dot"><circle r="2"/></g></defs>' + '<use href="#dot"/>' * 50 + "</svg>"
    assert b"<circle" in clean_svg(ordinary.encode())


def test_a_costly_logo_stored_earlier_stops_the_flyer_with_a_german_error(client, app, demo, app_context):
    network = demo[0].network
    network.logo, network.logo_mime = nested_use_svg(levels=6), "image/svg+xml"  # stored before the limits
    db.session.commit()
    saved = app.config["DOCUMENT_RENDER_SECONDS"]
    app.config["DOCUMENT_RENDER_SECONDS"] = 1.5
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    try:
        started = time.monotonic()
        response = client.get(PAGE + "/flyer-a4.pdf")
        took = time.monotonic() - started
    finally:
        app.config["DOCUMENT_RENDER_SECONDS"] = saved

    assert response.status_code == 503 and took < 10
    assert "nicht innerhalb von 1.5 Sekunden erstellt" in response.get_data(as_text=True)


def test_logo_changes_are_in_the_audit_log(client, demo, app_context):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    assert upload(client, png(), "logo.png").status_code == 302
    db.session.rollback()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "network.logo")).one()
    assert entry.actor == "organisation@anhalt-bitterfeld.example" and "image/png" in entry.summary
