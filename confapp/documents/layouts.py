"""Badge sheet layouts as data: page, label size, grid, margins and gaps, all in millimetres.

Measurements follow the manufacturers' data sheets; a printer that shifts its output is
corrected with a printer offset rather than by editing a layout.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from dataclasses import dataclass


@dataclass(frozen=True)
class SheetLayout:
    """Where the labels of one sheet type sit on the page."""

    name: str
    #: Shown to organisers when they choose a layout.
    description: str
    page_width: float
    page_height: float
    label_width: float
    label_height: float
    columns: int
    rows: int
    margin_left: float = 0
    margin_top: float = 0
    gap_x: float = 0
    gap_y: float = 0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[float, float]:
        """Top-left corner (mm) of the ``index``-th label on its page, counted row by row."""
        row, column = divmod(index % self.per_page, self.columns)
        return (self.margin_left + column * (self.label_width + self.gap_x),
                self.margin_top + row * (self.label_height + self.gap_y))


LAYOUTS: dict[str, SheetLayout] = {layout.name: layout for layout in (
    SheetLayout("a4-80x50", _l("A4, 2 × 5 Etiketten 80 × 50 mm (Avery Zweckform L4785 und baugleiche)"),
                210, 297, 80, 50, 2, 5, margin_left=17, margin_top=23.5, gap_x=16),
    SheetLayout("a4-85x54", _l("A4, 2 × 5 Visitenkarten 85 × 54 mm (Avery Zweckform C32011 und baugleiche)"),
                210, 297, 85, 54, 2, 5, margin_left=15, margin_top=13.5, gap_x=10),
    SheetLayout("a4-90x54", "A4, 2 × 4 Namensschild-Einsteckkarten 90 × 54 mm",
                210, 297, 90, 54, 2, 4, margin_left=15, margin_top=25.5, gap_y=10),
    SheetLayout("a6", _l("A6, ein Namensschild je Blatt (105 × 148 mm)"), 105, 148, 105, 148, 1, 1),
    SheetLayout("card", _l("Kartendrucker, eine Karte je Seite (86 × 54 mm)"), 86, 54, 86, 54, 1, 1),
)}
DEFAULT_LAYOUT = "a4-80x50"
