"""Feedback after the event and materials: asked only about what one attended, anonymous, shown from five answers."""
import io
import re

import pytest
from openpyxl import load_workbook

from tests.conftest import csrf_token, outbox_messages, post_form, sign_in
from tests.manage_helpers import (ANHALT, BASE, EVENT, MAGDEBURG, event_named, form_fields, move_into_past,
                                  registrations_of, workshops)
from tests.pdf_helpers import all_text, qr_codes
from confapp.extensions import db
from confapp.models import (Assignment, AssignmentSource, FeedbackInvite, FeedbackResponse, ItemLeader, Material,
                            Registration, RegistrationStatus, utcnow)
from confapp.services.feedback import answering
from confapp.services.networks import accounts
from confapp.services.privacy import retention

LEADER_PASSWORD = "ein sicheres Passwort"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _confirmed():
    return [r for r in registrations_of() if r.status == RegistrationStatus.confirmed]


def _seat(registration, workshop):
    registration.assignments.append(Assignment(slot_id=workshop.slot_id, program_item_id=workshop.id,
                                               source=AssignmentSource.manual))


@pytest.fixture
def ready(client, demo, app_context):
    """The demo Fachtagung with the default questionnaire, open, and two attendees in different workshops."""
    sign_in(client, ANHALT)
    page = client.get(f"{BASE}/rueckmeldung").get_data(as_text=True)
    client.post(f"{BASE}/rueckmeldung/standard", data={"csrf_token": csrf_token(page)})
    client.post(f"{BASE}/rueckmeldung/oeffnen", data={"csrf_token": csrf_token(page)})
    first, second = workshops()[:2]
    people = _confirmed()
    _seat(people[0], first)
    _seat(people[1], second)
    for person in people:
        person.checked_in_at = utcnow()
    db.session.commit()
    return people, first, second


def _path(registration) -> str:
    path = answering.personal_path(registration)
    db.session.commit()
    return path


def _answer(client, path: str, **extra):
    page = client.get(path).get_data(as_text=True)
    fields = dict(re.findall(r'name="(q\d+)" value="(1)"', page))
    return client.post(path, data={"csrf_token": csrf_token(page), **fields, **extra}), page


def test_attendees_are_asked_only_about_the_workshop_they_attended_and_answer_once(app, other_client, ready):
    people, first, second = ready
    path = _path(people[0])
    response, page = _answer(other_client, path)

    assert f"„{first.title}“" in page and f"„{second.title}“" not in page
    assert response.status_code == 302
    again = other_client.get(path).get_data(as_text=True)
    assert "Sie haben schon geantwortet" in again
    fields = dict(re.findall(r'name="(q\d+)" value="(1)"', page))
    replay = other_client.post(path, data={"csrf_token": csrf_token(page), **fields})
    assert "Sie haben schon geantwortet" in replay.get_data(as_text=True)  # a second POST changes nothing
    db.session.commit()
    assert db.session.query(FeedbackResponse).count() == 1
    stored = db.session.query(FeedbackResponse).one()
    assert stored.sector == people[0].sector and not hasattr(stored, "registration_id")


def test_a_stranger_and_a_wrong_link_get_nothing(other_client, ready):
    assert other_client.get(f"/e/{EVENT}/rueckmeldung/{'0' * 32}").status_code == 404
    page = other_client.get(f"/e/{EVENT}/rueckmeldung").get_data(as_text=True)
    wrong = other_client.post(f"/e/{EVENT}/rueckmeldung", data={"csrf_token": csrf_token(page), "code": "XXXXXX"})
    assert wrong.status_code == 422 and "Dieser Code passt nicht" in wrong.get_data(as_text=True)


def test_walk_ins_answer_with_the_event_code_about_the_whole_event_only(client, other_client, ready):
    people, first, _second = ready
    slide = client.get(f"{BASE}/rueckmeldung/folie").get_data(as_text=True)
    code = re.search(r'<p class="code">(\w+)</p>', slide).group(1)
    assert "<svg" in slide
    page = other_client.get(f"/e/{EVENT}/rueckmeldung?code={code.lower()}").get_data(as_text=True)
    assert "Wie bewerten Sie die Veranstaltung insgesamt?" in page and first.title not in page
    overall = re.search(r'name="(q\d+)" value="2"', page).group(1)
    done = other_client.post(f"/e/{EVENT}/rueckmeldung", data={"csrf_token": csrf_token(page), "code": code,
                                                                "answers": "1", overall: "2"})
    assert done.status_code == 302
    assert "Sie haben schon geantwortet" in other_client.get(f"/e/{EVENT}/rueckmeldung?code={code}").get_data(
        as_text=True)


def test_results_are_withheld_below_five_answers_and_a_leader_sees_only_their_workshop(app, client, ready):
    people, first, second = ready
    for person in people[2:5]:
        _seat(person, first)
    db.session.commit()
    leader = accounts.grant_role("leitung@anhalt-bitterfeld.example", "anhalt-bitterfeld", "workshop_leader",
                                 password=LEADER_PASSWORD).user
    db.session.add(ItemLeader(program_item_id=first.id, user_id=leader.id))
    db.session.commit()
    for person in [people[0], *people[2:5]]:
        _answer(app.test_client(), _path(person))
    leader_client = app.test_client()
    sign_in(leader_client, leader.email, LEADER_PASSWORD)
    url = f"{BASE}/rueckmeldung/ergebnisse/{first.id}"
    four = leader_client.get(url).get_data(as_text=True)
    assert "Erst 4 Antworten: zu wenige, um sie zu zeigen." in four and "Mittelwert" not in four

    _seat(people[5], first)
    db.session.commit()
    _answer(app.test_client(), _path(people[5]))
    five = leader_client.get(url).get_data(as_text=True)
    assert "Mittelwert 1,0" in five and "5 Antworten" in five
    assert leader_client.get(f"{BASE}/rueckmeldung/ergebnisse/{second.id}").status_code == 404
    assert leader_client.get(f"{BASE}/rueckmeldung/ergebnisse").status_code == 404


THANKS = f"{BASE}/rueckmeldung/danke"
ANNOUNCE = f"{BASE}/material/ankuendigen"


def _thanks(app):
    return [m for m in outbox_messages(app) if m["Subject"].startswith("Danke")]


def test_the_thank_you_email_goes_out_only_after_a_confirmed_preview(app, client, ready):
    people, _first, _second = ready
    assert client.get(f"{BASE}/rueckmeldung").status_code == 200
    preview = client.get(f"{BASE}/rueckmeldung?vorschau=1").get_data(as_text=True)
    count = len(people)
    assert f"Diese E-Mail geht an {count} Personen." in preview and "/rueckmeldung/" in preview
    assert people[-1].email in preview  # every recipient listed
    assert not _thanks(app)
    unseen = client.post(THANKS, data={"csrf_token": csrf_token(preview)}, follow_redirects=True)
    assert "Bitte sehen Sie sich zuerst die Vorschau an" in unseen.get_data(as_text=True) and not _thanks(app)
    client.post(THANKS, data=form_fields(preview, THANKS))
    mails = _thanks(app)
    assert len(mails) == count
    text = mails[0].get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+(/e/\S+/rueckmeldung/\w+)", text).group(1)
    assert "Ihre Rückmeldung" in app.test_client().get(link).get_data(as_text=True)
    # Checked in at the door: the certificate is theirs to download once the event is over.
    assert "Ihre Teilnahmebescheinigung können Sie nach dem Ende der Veranstaltung" in " ".join(text.split())
    own = re.search(r"https?://\S+?(/e/[\w-]+/anmeldung/[\w-]+)\s", text).group(1)
    assert "Was Sie tun können" in app.test_client().get(own).get_data(as_text=True)


def test_a_thank_you_preview_that_is_out_of_date_sends_nothing(app, client, ready):
    people, _first, _second = ready
    preview = client.get(f"{BASE}/rueckmeldung?vorschau=1").get_data(as_text=True)
    # Meanwhile one check-in is undone and a late arrival is checked in: as many people as before, not the same.
    people[0].checked_in_at = None
    db.session.add(Registration(event_id=event_named().id, first_name="Lena", last_name="Spät",
                                email="spaet@example.org", status=RegistrationStatus.confirmed, organisation="",
                                sector=people[0].sector, checked_in_at=utcnow()))
    db.session.commit()

    stale = client.post(THANKS, data=form_fields(preview, THANKS), follow_redirects=True)
    html = stale.get_data(as_text=True)
    assert not _thanks(app)
    assert "Seit der Vorschau haben sich Empfänger*innen oder Text geändert. Es wurde nichts verschickt." in html
    assert f"Diese E-Mail geht an {len(people)} Personen." in html and "spaet@example.org" in html
    assert people[0].email not in html.split('id="dank"')[1]

    client.post(THANKS, data=form_fields(html, THANKS))
    sent = sorted(m["To"] for m in _thanks(app))
    assert len(sent) == len(people) and "spaet@example.org" in sent and people[0].email not in sent


def test_the_materials_email_waits_for_a_new_preview_when_materials_changed(app, client, ready):
    people, _first, _second = ready
    page = client.get(f"{BASE}/material").get_data(as_text=True)
    client.post(f"{BASE}/material", data={"csrf_token": csrf_token(page), "title": "Folien Plenum",
                                          "url": "https://example.org/folien"})
    preview = client.get(f"{BASE}/material?vorschau=1").get_data(as_text=True)
    assert f"Diese E-Mail geht an {len(people)} Personen." in preview and "- Folien Plenum" in preview
    assert people[-1].email in preview
    # Another organiser adds the results before this one presses "send": the e-mail would list more.
    client.post(f"{BASE}/material", data={"csrf_token": csrf_token(page), "title": "Ergebnisse Workshops",
                                          "url": "https://example.org/ergebnisse"})

    stale = client.post(ANNOUNCE, data=form_fields(preview, ANNOUNCE), follow_redirects=True)
    html = stale.get_data(as_text=True)
    online = [m for m in outbox_messages(app) if m["Subject"].startswith("Materialien sind online")]
    assert online == []
    assert "Seit der Vorschau haben sich Empfänger*innen oder Text geändert. Es wurde nichts verschickt." in html
    assert "- Ergebnisse Workshops" in html

    done = client.post(ANNOUNCE, data=form_fields(html, ANNOUNCE), follow_redirects=True)
    assert f"{len(people)} E-Mails mit dem Hinweis auf die Materialien sind unterwegs." in done.get_data(as_text=True)
    online = [m for m in outbox_messages(app) if m["Subject"].startswith("Materialien sind online")]
    assert len(online) == len(people)
    assert "- Ergebnisse Workshops" in online[0].get_body(("plain",)).get_content()


def test_the_feedback_pdf_and_xlsx_render_for_the_demo_with_generated_answers(app, client, ready):
    people, first, _second = ready
    for number, person in enumerate(people[:8]):
        _seat(person, first) if person is not people[0] and number > 1 else None
    db.session.commit()
    for person in people[:8]:
        client_ = app.test_client()
        page = client_.get(_path(person)).get_data(as_text=True)
        fields = dict(re.findall(r'name="(q\d+)" value="(2)"', page))
        text_field = re.search(r'<textarea id="(q\d+)"', page).group(1)
        client_.post(_path(person), data={"csrf_token": csrf_token(page), **fields,
                                          text_field: f"Mehr Zeit für Fallbesprechungen ({person.id})"})
    pdf = client.get(f"{BASE}/rueckmeldung/ergebnisse.pdf")
    assert pdf.status_code == 200
    text = all_text(pdf.data)
    assert "Rückmeldung: Stark für Familien" in text and "Mittelwert 2,0" in text
    assert "Mehr Zeit für Fallbesprechungen" in text
    sheet = load_workbook(io.BytesIO(client.get(f"{BASE}/rueckmeldung/ergebnisse.xlsx").data)).active
    assert sheet["B2"].value == "Wie bewerten Sie die Veranstaltung insgesamt?" and sheet["D2"].value == 2


def test_a_leader_uploads_slides_the_attendee_downloads_them_a_stranger_gets_404(app, client, other_client, ready):
    people, first, _second = ready
    leader = accounts.grant_role("leitung@anhalt-bitterfeld.example", "anhalt-bitterfeld", "workshop_leader",
                                 password=LEADER_PASSWORD).user
    db.session.add(ItemLeader(program_item_id=first.id, user_id=leader.id))
    db.session.commit()
    leader_client = app.test_client()
    sign_in(leader_client, leader.email, LEADER_PASSWORD)
    page = leader_client.get(f"{BASE}/material").get_data(as_text=True)
    bad = leader_client.post(f"{BASE}/material", data={
        "csrf_token": csrf_token(page), "title": "Folien", "program_item_id": str(first.id),
        "file": (io.BytesIO(b"<html><script>alert(1)</script>"), "folien.pdf")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and "Bitte laden Sie eine PDF-" in bad.get_data(as_text=True)
    done = leader_client.post(f"{BASE}/material", data={
        "csrf_token": csrf_token(page), "title": "Folien zum Workshop", "program_item_id": str(first.id),
        "file": (io.BytesIO(PDF), "Folien <final>.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 302
    material = db.session.query(Material).one()
    assert material.filename == "Folien final.pdf" and material.uploaded_by == leader.email

    person = people[0]
    manage = other_client.get(f"/e/{EVENT}/anmeldung/{person.manage_token}").get_data(as_text=True)
    assert "Folien zum Workshop" in manage
    download = other_client.get(f"/e/{EVENT}/anmeldung/{person.manage_token}/material/{material.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    stranger = app.test_client()
    assert stranger.get(f"/e/{EVENT}/material/{material.id}").status_code == 404
    assert stranger.get(f"/e/{EVENT}/anmeldung/{'x' * 32}/material/{material.id}").status_code == 404
    other_network = app.test_client()
    sign_in(other_network, MAGDEBURG)
    assert other_network.get(f"{BASE}/material").status_code == 404

    # Made public by the organiser: anyone may download it from the event page's link.
    page = client.get(f"{BASE}/material").get_data(as_text=True)
    client.post(f"{BASE}/material/{material.id}/oeffentlich", data={"csrf_token": csrf_token(page)})
    assert stranger.get(f"/e/{EVENT}/material/{material.id}").status_code == 200
    assert f"/e/{EVENT}/material/{material.id}" in stranger.get(f"/e/{EVENT}").get_data(as_text=True)


def test_slides_of_several_megabytes_upload_and_more_than_20_mb_are_refused_in_german(client, ready):
    page = client.get(f"{BASE}/material").get_data(as_text=True)
    slides = PDF + b"%" + b"x" * (5 * 1024 * 1024)  # a typical slide deck
    done = client.post(f"{BASE}/material", data={"csrf_token": csrf_token(page), "title": "Folien Plenum",
                                                 "file": (io.BytesIO(slides), "folien.pdf")},
                       content_type="multipart/form-data")
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    assert db.session.query(Material).one().size == len(slides)
    huge = client.post(f"{BASE}/material", data={"csrf_token": csrf_token(page), "title": "Video",
                                                  "file": (io.BytesIO(PDF + b"x" * (21 * 1024 * 1024)), "v.pdf")},
                       content_type="multipart/form-data")
    assert huge.status_code in (413, 422) and "zu groß" in huge.get_data(as_text=True)
    assert db.session.query(Material).count() == 1


def test_a_link_must_be_https_and_the_purge_forgets_uploaders_and_links(client, ready):
    people, _first, _second = ready
    page = client.get(f"{BASE}/material").get_data(as_text=True)
    refused = client.post(f"{BASE}/material", data={"csrf_token": csrf_token(page), "title": "Ergebnisse",
                                                     "url": "javascript:alert(1)"})
    assert refused.status_code == 422 and "https://" in refused.get_data(as_text=True)
    client.post(f"{BASE}/material", data={"csrf_token": csrf_token(page), "title": "Ergebnisse",
                                          "url": "https://example.org/ergebnisse"})
    _path(people[0])
    event = move_into_past(event_named())  # only an event that has ended is purged
    db.session.commit()
    retention.purge_event(event)
    db.session.commit()
    assert db.session.query(Material).one().uploaded_by == ""
    assert db.session.query(FeedbackInvite).count() == 0


def test_before_the_event_ends_the_questionnaire_says_when_it_opens(client, demo, app_context):
    person = _confirmed()[0]
    page = client.get(_path(person)).get_data(as_text=True)
    assert "Die Rückmeldung ist noch nicht geöffnet" in page


def test_the_certificate_carries_the_attendees_own_feedback_link_as_a_qr_code(app, client, ready):
    people, first, _second = ready
    pdf = client.get(f"{BASE}/dokumente/teilnahmebescheinigungen.pdf?basis=checked_in")
    assert pdf.status_code == 200, pdf.status_code
    codes = [code.text for code in qr_codes(pdf.data)]
    assert len(codes) == len(people) and len(set(codes)) == len(people)
    assert all("/rueckmeldung/" in code for code in codes)
    attendee = app.test_client()
    page = attendee.get("/" + codes[0].split("://", 1)[1].split("/", 1)[1]).get_data(as_text=True)
    assert "Ihre Rückmeldung zu „Stark für Familien“" in page


def test_the_feedback_link_from_the_certificate_in_a_browser(page, app, client, ready, live_server):
    people, first, second = ready
    pdf = client.get(f"{BASE}/dokumente/teilnahmebescheinigungen.pdf?basis=checked_in").data
    own = next(code.text for code in qr_codes(pdf) if code.text.endswith(answering.personal_path(people[0])[-32:]))
    db.session.commit()
    path = "/" + own.split("://", 1)[1].split("/", 1)[1]
    page.goto(live_server.url + path)
    assert first.title in page.content() and second.title not in page.content()
    page.get_by_role("group", name=re.compile("insgesamt")).get_by_label("2 – gut").check()
    page.get_by_label(re.compile("Welche Themen")).fill("Mehr zu Schutzkonzepten")
    page.get_by_role("button", name="Rückmeldung absenden").click()
    page.get_by_text("Vielen Dank für Ihre Rückmeldung!").wait_for()
    page.goto(live_server.url + path)
    assert "Sie haben schon geantwortet" in page.content()


def test_an_attendees_own_certificate_carries_their_feedback_link(app, ready):
    people, _first, _second = ready
    move_into_past(event_named())
    db.session.commit()
    attendee = app.test_client()
    pdf = attendee.get(f"/e/{EVENT}/anmeldung/{people[0].manage_token}/teilnahmebescheinigung.pdf")
    assert pdf.status_code == 200, pdf.status_code
    codes = [code.text for code in qr_codes(pdf.data)]
    assert len(codes) == 1 and "/rueckmeldung/" in codes[0]
    page = attendee.get("/" + codes[0].split("://", 1)[1].split("/", 1)[1]).get_data(as_text=True)
    assert "Ihre Rückmeldung zu „Stark für Familien“" in page
