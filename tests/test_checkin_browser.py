"""The door in a real Chromium: badge link to check-in with live counts, camera scanning, axe on every page."""
import re
from pathlib import Path

import pytest
import qrcode

from confapp.services.events.demo import DEMO_PASSWORD
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, axe_violations, has_horizontal_scroll
from tests.test_checkin import DOOR, EVENT, OTHER_NETWORK, fresh, people
from tests.test_checkin_attendance import assign


def sign_in_page(page, base: str, email: str = DOOR, path: str = "/checkin/") -> None:
    page.goto(base + "/manage/anmelden?next=" + path)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(base + path)


def test_door_staff_open_a_badge_link_check_in_and_see_the_count_go_up(page, demo, app_context, live_server):
    person = people(demo[0])[0]
    base = live_server.url
    page.goto(f"{base}/c/{person.badge_token}")
    assert person.last_name not in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Anmelden").click()
    page.get_by_label("E-Mail-Adresse").fill(DOOR)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_label("Passwort").press("Enter")
    page.get_by_role("heading", name=person.full_name).wait_for()
    assert axe_violations(page) == []

    counts = page.context.new_page()
    counts.goto(f"{base}/checkin/{EVENT}/")
    assert counts.locator('[data-count="checked_in"]').inner_text() == "0"

    page.get_by_role("button", name="Einchecken").click()
    banner = page.get_by_role("status").filter(has_text="Eingecheckt")
    banner.wait_for()
    assert "✓" in banner.inner_text()
    assert axe_violations(page) == []
    assert fresh(person.id).checked_in_by == DOOR
    # The counts page refreshes itself (static JS polling the counts URL): no reload here.
    counts.locator('[data-count="checked_in"]', has_text="1").wait_for(timeout=10_000)
    assert counts.locator('[data-count="expected"]').inner_text() == "12"


def test_door_search_by_keyboard_and_phone_width(page, demo, app_context, live_server):
    person = people(demo[0])[0]
    sign_in_page(page, live_server.url, path=f"/checkin/{EVENT}/")
    page.set_viewport_size({"width": 320, "height": 640})
    page.get_by_label("Name oder Organisation").fill(person.last_name)
    page.get_by_label("Name oder Organisation").press("Enter")
    page.get_by_role("link", name=person.full_name).first.wait_for()
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile(f"^Einchecken.*{person.full_name}$")).first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Eingecheckt").wait_for()
    assert fresh(person.id).checked_in_at is not None


@pytest.mark.parametrize("path", ["/checkin/", "/checkin/{event}/scanner", "/checkin/{event}/workshop/{item}",
                                  "/checkin/{event}/person/{person}", "/checkin/{event}/?q=zzzz",
                                  "/checkin/{event}/vor-ort"])
def test_door_pages_have_no_axe_violations(page, demo, app_context, live_server, path):
    person = people(demo[0])[0]
    item = assign(demo[0], [person])
    sign_in_page(page, live_server.url, email="organisation@anhalt-bitterfeld.example")
    page.goto(live_server.url + path.format(event=EVENT, item=item.id, person=person.id))
    assert axe_violations(page) == []
    assert not has_horizontal_scroll(page)


def test_walk_in_form_errors_pass_axe(page, demo, app_context, live_server):
    sign_in_page(page, live_server.url, path=f"/checkin/{EVENT}/vor-ort")
    page.get_by_role("button", name="Anmelden und einchecken").click()
    page.get_by_role("alert").wait_for()
    assert axe_violations(page) == []


def test_badge_of_another_network_page_has_no_axe_violations(page, demo, app_context, live_server):
    stranger = people(demo[0])[0]
    sign_in_page(page, live_server.url, email=OTHER_NETWORK)
    page.goto(f"{live_server.url}/c/{stranger.badge_token}")
    assert page.get_by_role("status").inner_text().split() == ["✕", "Nicht", "für", "diese", "Veranstaltung"]
    assert stranger.last_name not in page.content()
    assert axe_violations(page) == []


# --- Camera: Chromium's fake capture device plays a y4m file showing a badge's QR code -------

def write_y4m(path: Path, text: str, frames: int = 15, width: int = 640, height: int = 480) -> Path:
    """A YUV4MPEG2 video (4:2:0) of a QR code on white, for --use-file-for-fake-video-capture."""
    code = qrcode.make(text, border=4).get_image().convert("L")
    side = min(width, height) - 40
    code = code.resize((side, side))
    luma = bytearray(b"\xff" * (width * height))
    left, top = (width - side) // 2, (height - side) // 2
    pixels = code.tobytes()
    for row in range(side):
        start = (top + row) * width + left
        luma[start:start + side] = pixels[row * side:(row + 1) * side]
    chroma = b"\x80" * ((width // 2) * (height // 2) * 2)  # grey: no colour
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma)
    return path


@pytest.fixture
def camera_page(browser, tmp_path, demo, app_context):
    """A second Chromium (same Playwright) whose camera shows the first attendee's badge QR code."""
    person = people(demo[0])[0]
    video = write_y4m(tmp_path / "badge.y4m", f"http://confapp.test/c/{person.badge_token}")
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    context = camera_browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, person
    camera_browser.close()


def test_scanner_reads_the_badge_from_the_camera_and_checks_in(camera_page, live_server):
    page, person = camera_page
    sign_in_page(page, live_server.url, path=f"/checkin/{EVENT}/scanner")
    result = page.locator("#scan-result[data-outcome=checked_in]")
    result.wait_for()
    assert "Eingecheckt" in result.inner_text() and person.full_name in result.inner_text()
    assert "result-ok" in result.get_attribute("class")
    assert page.locator('[data-count="checked_in"]').inner_text() == "1"
    assert fresh(person.id).checked_in_by == DOOR
    assert page.get_by_role("button", name="Kamera anhalten").is_visible()
    assert axe_violations(page) == []
