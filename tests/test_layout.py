"""Layout as people see it: words in tables stay whole at 320 px and 1366 px, tables scroll inside
their wrapper instead of the page, chart labels sit beside their bars, the focus ring stands out."""
import re
from pathlib import Path

import pytest

from tests.conftest import sign_in_browser
from tests.manage_helpers import ANHALT, BASE, registrations_of
from tests.test_accessibility_sweep import _pages

CSS = Path(__file__).resolve().parent.parent / "confapp" / "static" / "css"

#: Each word of each table cell: a word drawn on two lines has two client rects. Hyphens, slashes
#: and dashes are where a word may end a line, so they split words here too.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const words = /[^\\s\\-\\/–]+/g;
      let match;
      while ((match = words.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""

#: Tables wider than their wrapper scroll inside it; the page itself never scrolls sideways.
PAGE_SCROLLS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"

#: Each bar chart label ends left of its bar.
LABELS_ON_BARS = """() => [...document.querySelectorAll('svg .chart-label')].filter(label => {
  const bar = label.nextElementSibling;
  return bar && label.getBoundingClientRect().right > bar.getBoundingClientRect().left + 0.5;
}).map(label => label.textContent)"""


def _table_pages(app) -> list[str]:
    people = registrations_of()
    return _pages(app, ("/manage", "/checkin")) + [f"{BASE}/anmeldungen/{people[0].id}"]


@pytest.mark.parametrize("width", [320, 1366])
def test_no_table_cell_breaks_a_word_of_the_demo(app, browser, demo, live_server, width):
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in_browser(page, live_server, ANHALT)
        page.wait_for_url(live_server.url + "/manage/")
        broken, scrolling, overlapping, tables = {}, [], {}, 0
        for url in _table_pages(app):
            page.goto(live_server.url + url)
            tables += page.locator("table").count()
            words = page.evaluate(BROKEN_WORDS)
            if words:
                broken[url] = words[:10]
            if page.evaluate(PAGE_SCROLLS):
                scrolling.append(url)
            labels = page.evaluate(LABELS_ON_BARS)
            if labels:
                overlapping[url] = labels
        assert tables >= 8
        assert broken == {}
        assert scrolling == []
        assert overlapping == {}
    finally:
        context.close()


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_focus_ring_stands_out_3_to_1_on_every_background():
    css = (CSS / "app.css").read_text() + (CSS / "checkin.css").read_text()
    ring = re.search(r":focus-visible \{ outline: 3px solid (#[0-9a-f]{6})", css).group(1)
    variables = dict(re.findall(r"--(paper|soft|accent-dark|ink): (#[0-9a-f]{6})", css))
    # Where the ring lies (outline-offset puts it outside the element, on what is around it):
    # the page, the soft panels, the header, the skip link, the door's result panels.
    backgrounds = [variables["paper"], variables["soft"], variables["accent-dark"], variables["ink"],
                   *re.findall(r"\.result-\w+ \{ background: (#[0-9a-f]{6})", css)]
    assert len(backgrounds) >= 7
    assert {bg: round(_contrast(ring, bg), 2) for bg in backgrounds if _contrast(ring, bg) < 3} == {}
    assert "overflow-wrap: anywhere; }" not in css.split("\n.breakable")[0]
