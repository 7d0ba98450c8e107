"""Printed documents: badges on label sheets, flyer, sign-in sheets, certificates, read back from the PDF."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from confapp.documents.badges import BadgeData, render_badges
from confapp.documents.layouts import LAYOUTS
from confapp.documents.render import RefusedURL, StaticOnlyFetcher, STATIC_DIR
from confapp.extensions import db
from confapp.models import Assignment, Attendance, Registration, RegistrationStatus, utcnow
from confapp.services.documents import printing as documents
from tests.pdf_helpers import all_text, page_count, page_size_mm, page_texts, qr_codes, record_fetches, words

BASE = "http://confapp.test"


def confirmed(event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)))


def assign_round_robin(event) -> dict[int, list[Registration]]:
    """Give every confirmed attendee one workshop of each choice slot, in turn."""
    by_item: dict[int, list[Registration]] = {}
    for number, registration in enumerate(confirmed(event)):
        for slot in event.choice_slots:
            item = slot.choice_items[number % len(slot.choice_items)]
            db.session.add(Assignment(registration=registration, slot_id=slot.id, program_item_id=item.id))
            by_item.setdefault(item.id, []).append(registration)
    db.session.commit()
    return by_item


def add_registration(event, first: str, last: str, organisation: str = "Kita Regenbogen") -> Registration:
    registration = Registration(event=event, first_name=first, last_name=last, organisation=organisation,
                                email=f"{abs(hash((first, last)))}@example.org", sector="Kita",
                                status=RegistrationStatus.confirmed, privacy_consent_at=utcnow())
    db.session.add(registration)
    db.session.commit()
    return registration


def run_cli(cli, tmp_path, *args) -> bytes:
    out = tmp_path / "out.pdf"
    result = cli.invoke(args=[*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


# --- Badges -------------------------------------------------------------------------------------

def test_every_badge_qr_code_opens_its_own_attendees_check_in_url(demo, cli, tmp_path):
    event = demo[0]
    assign_round_robin(event)
    people = confirmed(event)

    pdf = run_cli(cli, tmp_path, "badges", event.slug)

    codes = qr_codes(pdf)
    assert sorted(code.text for code in codes) == sorted(f"{BASE}/c/{r.badge_token}" for r in people)
    text = all_text(pdf)
    for registration in people:
        assert text.count(registration.full_name) == sum(r.full_name == registration.full_name for r in people)
    # Each QR code sits on the same label as its attendee's name.
    for code in codes:
        owner = next(r for r in people if code.text.endswith(r.badge_token))
        near = [w.text for w in words(pdf) if w.page == code.page and abs(w.top - code.y) < 30
                and abs(w.left - code.x) < 75]
        assert owner.last_name in " ".join(near)


def test_badges_are_sorted_by_surname_the_german_way(app_context, demo, cli, tmp_path):
    event = demo[0]
    for registration in confirmed(event):
        registration.status = RegistrationStatus.cancelled
    for first, last in (("Zoe", "Zander"), ("Ölaf", "Özdemir"), ("Ada", "Ackermann"), ("Otto", "Ostermann")):
        add_registration(event, first, last)

    text = all_text(run_cli(cli, tmp_path, "badges", event.slug))

    positions = [text.index(name) for name in ("Ackermann", "Ostermann", "Özdemir", "Zander")]
    assert positions == sorted(positions)


def test_a_badge_shows_workshop_and_room_and_sector_only_when_asked(demo, cli, tmp_path):
    event = demo[0]
    by_item = assign_round_robin(event)
    item = next(i for slot in event.choice_slots for i in slot.choice_items if i.id in by_item)
    registration = by_item[item.id][0]

    with_sector = all_text(run_cli(cli, tmp_path, "badges", event.slug, "--email", registration.email))
    without = all_text(run_cli(cli, tmp_path, "badges", event.slug, "--email", registration.email, "--no-sector"))

    assert item.room.name in with_sector and item.title.split()[0] in with_sector
    assert registration.sector.split()[0] in with_sector
    assert registration.sector.split()[0] not in without


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_puts_labels_where_its_data_says(app_context, name):
    layout = LAYOUTS[name]
    count = layout.per_page + 1
    badges = [BadgeData(f"Vorname{n} Nachname{n}", "Jugendamt", "", [], f"{BASE}/c/token{n:03d}")
              for n in range(count)]

    pdf = render_badges(badges, layout, event_title="Stark für Familien", event_date="5. Juni 2024")

    assert page_count(pdf) == 2
    assert page_size_mm(pdf) == (round(layout.page_width), round(layout.page_height))
    codes = {code.text: code for code in qr_codes(pdf)}
    assert len(codes) == count
    found = words(pdf)
    for n in range(count):
        left, top = layout.position(n)
        code = codes[f"{BASE}/c/token{n:03d}"]
        assert code.page == n // layout.per_page
        assert left < code.x < left + layout.label_width and top < code.y < top + layout.label_height
        word = next(w for w in found if w.text == f"Nachname{n}")
        assert left <= word.left and word.right <= left + layout.label_width
        assert top <= word.top and word.bottom <= top + layout.label_height


def test_skip_starts_on_a_partly_used_sheet_and_offset_moves_everything(app_context):
    layout = LAYOUTS["a4-80x50"]
    badges = [BadgeData(f"Person {n}", "", "", [], f"{BASE}/c/t{n}") for n in range(8)]

    plain = {c.text: c for c in qr_codes(render_badges(badges, layout, event_title="T", event_date="D"))}
    skipped = qr_codes(render_badges(badges, layout, event_title="T", event_date="D", skip=3))
    shifted = {c.text: c for c in qr_codes(render_badges(badges, layout, event_title="T", event_date="D",
                                                           offset=(2, -3)))}

    first = next(c for c in skipped if c.text.endswith("/t0"))
    left, top = layout.position(3)
    assert left < first.x < left + layout.label_width and top < first.y < top + layout.label_height
    assert [c.page for c in skipped].count(1) == 1  # 3 empty + 8 badges = 11 labels: one on sheet two
    for text, code in plain.items():
        assert shifted[text].x - code.x == pytest.approx(2, abs=0.5)
        assert shifted[text].y - code.y == pytest.approx(-3, abs=0.5)


def test_a_sixty_character_name_fits_its_label_uncut(app_context):
    name = "Maximiliane Alexandra-Charlotte von Hohenzollern-Sigmaringen"
    assert len(name) == 60
    layout = LAYOUTS["a4-80x50"]
    badge = BadgeData(name, "Allgemeiner Sozialer Dienst des Landkreises Anhalt-Bitterfeld", "Jugendamt/ASD",
                      [("12:45", "Schule und Jugendamt: Verfahren nach § 8a SGB VIII und § 4 KKG", "Raum 103")],
                      f"{BASE}/c/long")

    pdf = render_badges([badge], layout, event_title="Stark für Familien", event_date="5. Juni 2024")

    left, top = layout.position(0)
    printed = [w for w in words(pdf) if w.text.rstrip("-") and w.text in name]
    assert "".join(w.text for w in printed).replace("-", "") .startswith(name.replace(" ", "").replace("-", ""))
    for word in printed:
        assert left <= word.left and word.right <= left + layout.label_width - 3
        assert word.bottom <= top + layout.label_height
    assert [c.text for c in qr_codes(pdf)] == [f"{BASE}/c/long"]


def test_hostile_names_print_as_text_and_fetch_nothing(app_context, demo, cli, tmp_path, monkeypatch):
    event = demo[0]
    hostile = add_registration(event, '<img src="file:///etc/passwd">', '<link href="http://127.0.0.1:9/x.css">',
                               organisation="=HYPERLINK(\"http://evil.example\")")
    fetched = record_fetches(monkeypatch, tmp_path)

    text = all_text(run_cli(cli, tmp_path, "badges", event.slug, "--email", hostile.email))
    requested = fetched()

    flat = " ".join(text.split())
    assert '<img src="file:///etc/passwd">' in flat
    assert "=HYPERLINK(" in flat
    assert requested and all(url.startswith(STATIC_DIR.as_uri() + "/fonts/") for url in requested)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/x.css", "https://example.org/a.png",
                                 (STATIC_DIR / "fonts" / ".." / ".." / ".." / "wsgi.py").as_uri(),
                                 STATIC_DIR.as_uri() + "/../__init__.py", "confapp-generated:unknown",
                                 "data:text/css,body{}", "ftp://example.org/x"])
def test_the_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_vendored_font():
    response = StaticOnlyFetcher().fetch(STATIC_DIR.as_uri() + "/fonts/DejaVuSans.ttf")
    assert response.read()[:4] == b"\x00\x01\x00\x00"


def test_umlauts_and_other_letters_print_as_typed(app_context, demo, cli, tmp_path):
    event = demo[0]
    person = add_registration(event, "Jürgen", "Größe-Öztürk", organisation="Familienzentrum „Sonnenblume“ Köthen")

    pdf = run_cli(cli, tmp_path, "badges", event.slug, "--email", person.email)

    # The name breaks after its hyphen; the words keep every letter as typed.
    assert "Jürgen Größe- Öztürk" in " ".join(w.text for w in words(pdf))
    assert "„Sonnenblume“ Köthen" in all_text(pdf)


def test_only_new_badges_prints_those_not_printed_before(app_context, demo, cli, tmp_path):
    event = demo[0]
    everyone = run_cli(cli, tmp_path, "badges", event.slug)
    assert len(qr_codes(everyone)) == len(confirmed(event))
    latecomer = add_registration(event, "Lena", "Spät")

    new = run_cli(cli, tmp_path, "badges", event.slug, "--only-new")

    assert [code.text for code in qr_codes(new)] == [f"{BASE}/c/{latecomer.badge_token}"]


def test_badge_cli_explains_bad_choices(app_context, demo, cli, tmp_path):
    out = str(tmp_path / "x.pdf")
    unknown = cli.invoke(args=["badges", "gibt-es-nicht", "-o", out])
    too_many = cli.invoke(args=["badges", demo[0].slug, "-o", out, "--skip", "10"])
    nobody = cli.invoke(args=["badges", demo[0].slug, "-o", out, "--email", "niemand@example.org"])

    assert unknown.exit_code != 0 and "gibt es nicht" in unknown.output
    assert too_many.exit_code != 0 and "0 bis 9" in too_many.output
    assert nobody.exit_code != 0 and "keine bestätigte Anmeldung" in nobody.output


def test_large_runs_render_in_parallel_parts_in_order(app_context):
    layout = LAYOUTS["a4-85x54"]
    badges = [BadgeData(f"Person {n:02d}", "", "", [], f"{BASE}/c/p{n:02d}") for n in range(25)]
    done = []

    pdf = render_badges(badges, layout, event_title="T", event_date="D", per_part=10, workers=2,
                        progress=done.append)

    assert sum(done) == 25 and len(done) == 3
    assert page_count(pdf) == 3
    assert [c.text for c in qr_codes(pdf)] == [f"{BASE}/c/p{n:02d}" for n in range(25)]


# --- Flyer --------------------------------------------------------------------------------------

def test_a4_flyer_has_two_pages_with_program_and_a_registration_qr_code(demo, cli, tmp_path):
    event = demo[0]

    pdf = run_cli(cli, tmp_path, "flyer", event.slug)

    first, second = page_texts(pdf)
    assert page_size_mm(pdf) == (210, 297)
    assert "Stark für Familien" in first and event.venue_name in first and f"{BASE}/e/{event.slug}" in first
    for slot in event.slots:
        for item in slot.items:
            assert item.title.split(":")[0] in " ".join(second.split())
    assert [c.text for c in qr_codes(pdf)] == [f"{BASE}/e/{event.slug}"]


def test_din_lang_flyer_panels_are_in_folding_order(demo, cli, tmp_path):
    event = demo[0]

    pdf = run_cli(cli, tmp_path, "flyer", event.slug, "--format", "dinlang")

    assert page_count(pdf) == 2 and page_size_mm(pdf) == (297, 210)
    found = words(pdf)

    def panel(text: str, page: int) -> int:
        return int(next(w for w in found if w.text == text and w.page == page).left // 99)

    assert panel("Veranstaltung", 0) == 0                   # inner flap: left on the outside
    assert panel("Anmeldung", 0) == 1                        # back: middle
    assert panel("Stark", 0) == 2                            # cover: right, seen first when folded
    assert panel("Programm", 1) == 0                         # inside: the program from the left
    [code] = qr_codes(pdf)
    assert code.text == f"{BASE}/e/{event.slug}" and code.page == 0 and 99 < code.x < 198


def test_flyer_cli_refuses_unknown_formats(demo, cli, tmp_path):
    result = cli.invoke(args=["flyer", demo[0].slug, "-o", str(tmp_path / "f.pdf"), "--format", "a5"])
    assert result.exit_code != 0


# --- Sign-in sheets -----------------------------------------------------------------------------

def test_sign_in_sheets_list_each_workshops_people_by_surname_and_nothing_else(demo, cli, tmp_path):
    event = demo[0]
    by_item = assign_round_robin(event)
    items = [item for slot in event.choice_slots for item in slot.choice_items]

    pages = [" ".join(page.split()) for page in page_texts(run_cli(cli, tmp_path, "sign-in-sheets", event.slug))]

    assert len(pages) == 1 + len(items)
    assert "Teilnehmerliste: Plenum" in pages[0]
    assert all(r.full_name in pages[0] for r in confirmed(event))
    for page, item in zip(pages[1:], items):
        assert item.title in page and item.room.name in page and "Unterschrift" in page
        people = by_item.get(item.id, [])
        names = [r.full_name for r in sorted(people, key=documents.by_surname)]
        positions = [page.index(name) for name in names]
        assert positions == sorted(positions)
        others = [r for r in confirmed(event) if r not in people]
        assert not any(r.full_name in page for r in others if all(r.full_name != p.full_name for p in people))
        assert "@" not in page


# --- Certificates -------------------------------------------------------------------------------

def test_certificates_go_to_checked_in_attendees_with_hours_and_workshops(app_context, demo, cli, tmp_path):
    event = demo[0]
    event.teaching_units = 6
    assign_round_robin(event)
    people = confirmed(event)
    present = people[:3]
    for registration in present:
        registration.checked_in_at = utcnow()
    db.session.commit()

    pages = page_texts(run_cli(cli, tmp_path, "certificates", event.slug))

    assert len(pages) == 3
    for page, registration in zip(pages, sorted(present, key=documents.by_surname)):
        assert "Teilnahmebescheinigung" in page and registration.full_name in page
        assert "6 Unterrichtseinheiten" in page and "Interdisziplinäre Netzwerkarbeit" in page
        workshop = registration.assignments[0].program_item.title
        assert " ".join(workshop.split()[:2]) in " ".join(page.split())
    everyone = page_texts(run_cli(cli, tmp_path, "certificates", event.slug, "--all-confirmed"))
    assert len(everyone) == len(people)


def test_certificates_without_check_ins_say_what_to_do(demo, cli, tmp_path):
    result = cli.invoke(args=["certificates", demo[0].slug, "-o", str(tmp_path / "c.pdf")])
    assert result.exit_code != 0 and "niemand eingecheckt" in result.output


def test_an_attendee_gets_their_own_certificate_only_after_the_event(app_context, demo):
    event = demo[0]
    registration = confirmed(event)[0]
    with pytest.raises(documents.DocumentError):
        documents.attendee_certificate_pdf(registration)

    duration = event.ends_at - event.starts_at
    event.starts_at = event.local_now() - timedelta(days=2)
    event.ends_at = event.starts_at + duration
    db.session.commit()
    with pytest.raises(documents.DocumentError):  # a certificate says one was there: checked in at the door
        documents.attendee_certificate_pdf(registration)
    registration.checked_in_at = event.starts_at
    db.session.commit()
    text = all_text(documents.attendee_certificate_pdf(registration))

    assert "Teilnahmebescheinigung" in text and registration.full_name in text


def _short(title: str) -> str:
    return " ".join(title.split()[:2])


def test_certificates_list_the_workshops_attended_once_attendance_was_taken(app_context, demo, cli, tmp_path):
    event = demo[0]
    assign_round_robin(event)
    first, second = sorted(confirmed(event), key=documents.by_surname)[:2]
    assigned = first.assignments[0].program_item
    attended = next(item for item in assigned.slot.choice_items if _short(item.title) != _short(assigned.title))
    for registration in (first, second):
        registration.checked_in_at = utcnow()
    db.session.add(Attendance(registration=first, program_item=attended, marked_by="tuer@example.org"))
    db.session.commit()

    pages = [" ".join(page.split()) for page in page_texts(run_cli(cli, tmp_path, "certificates", event.slug))]

    assert _short(attended.title) in pages[0] and _short(assigned.title) not in pages[0]
    second_assigned = [a.program_item.title for a in second.assignments]
    assert not any(_short(title) in pages[1] for title in second_assigned)  # marked nowhere: no workshop


def test_badges_mark_people_who_do_not_want_to_be_photographed(app_context, demo, cli, tmp_path):
    shy, happy = confirmed(demo[0])[:2]
    shy.photo_consent, happy.photo_consent = False, True
    db.session.commit()

    assert "Keine Fotos" in all_text(run_cli(cli, tmp_path, "badges", demo[0].slug, "--email", shy.email))
    assert "Keine Fotos" not in all_text(run_cli(cli, tmp_path, "badges", demo[0].slug, "--email", happy.email))


def test_a_checked_in_attendee_downloads_their_certificate_from_the_private_link(client, app_context, demo):
    event = demo[0]
    there, absent = confirmed(event)[:2]
    there.checked_in_at = utcnow()
    db.session.commit()
    there_page, absent_page = (f"/e/{event.slug}/anmeldung/{r.manage_token}" for r in (there, absent))
    download = f"{there_page}/teilnahmebescheinigung.pdf"
    assert "Teilnahmebescheinigung (PDF)" not in client.get(there_page).get_data(as_text=True)
    early = client.get(download, follow_redirects=True)
    assert "Die Teilnahmebescheinigung gibt es nach dem Ende der Veranstaltung." in early.get_data(as_text=True)

    duration = event.ends_at - event.starts_at
    event.starts_at = event.local_now() - timedelta(days=2)
    event.ends_at = event.starts_at + duration
    db.session.commit()
    assert "Teilnahmebescheinigung (PDF)" in client.get(there_page).get_data(as_text=True)
    assert "Teilnahmebescheinigung (PDF)" not in client.get(absent_page).get_data(as_text=True)
    response = client.get(download)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = all_text(response.data)
    assert "Teilnahmebescheinigung" in text and there.full_name in text and absent.full_name not in text
    refused = client.get(f"{absent_page}/teilnahmebescheinigung.pdf", follow_redirects=True)
    assert "keine Teilnahmebescheinigung zum Herunterladen" in refused.get_data(as_text=True)
