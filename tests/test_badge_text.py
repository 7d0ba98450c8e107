"""Text on badges: the head line on every label, in its place, and how fitted text wraps."""
from __future__ import annotations

import pytest

from confapp.documents.badges import BadgeData, render_badges
from confapp.documents.fit import fit_text
from confapp.documents.layouts import LAYOUTS
from tests.pdf_helpers import page_texts, words

BASE = "http://confapp.test"


@pytest.mark.parametrize("title", ["Stark für Familien", "Fachtag 中文"])  # the second needs a fallback font
def test_every_badge_has_the_head_line_at_the_top_of_its_label(app_context, title):
    layout = LAYOUTS["a4-80x50"]
    badges = [BadgeData(f"Person{n}", "Jugendamt", "", [], f"{BASE}/c/t{n}", no_photos=n % 3 == 0)
              for n in range(13)]

    pdf = render_badges(badges, layout, event_title=title, event_date="5. Juni 2024", skip=2, per_part=10,
                        workers=1)

    assert sum(text.count(f"{title} · 5. Juni 2024") for text in page_texts(pdf)) == 13
    found = words(pdf)
    for n in range(13):
        left, top = layout.position((n + 2) % layout.per_page)
        page = (n + 2) // layout.per_page
        head = [w for w in found if w.page == page and w.text == "Juni" and left <= w.left < left + layout.label_width
                and top <= w.top < top + layout.label_height]
        name = next(w for w in found if w.text == f"Person{n}")
        assert len(head) == 1 and head[0].bottom < name.top


def test_a_hyphenated_word_keeps_its_space_when_wrapped():
    fitted = fit_text("AWO Kreisverband · Freier Träger der Kinder- und Jugendhilfe", 40, 20, 9, weight="regular")

    assert " ".join(fitted.lines) == "AWO Kreisverband · Freier Träger der Kinder- und Jugendhilfe"


def test_a_double_name_may_break_after_its_hyphen():
    fitted = fit_text("Alexandra-Charlotte", 20, 30, 22)

    assert fitted.lines == ["Alexandra-", "Charlotte"]
