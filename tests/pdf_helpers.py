"""Reading PDFs as a person would: the text on each page, where words sit, the QR codes a phone decodes."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2
import zxingcpp

MM_PER_PT = 25.4 / 72
#: PDFium's mark for a hyphen that ends a line (a name wrapped after "Größe-").
LINE_END_HYPHEN = "\ufffe"
DPI = 150


def page_texts(pdf: bytes) -> list[str]:
    """Text of every page, line by line as PDFium reads it (no system tool needed: the quick start installs none).

    Within a line the letters go left to right: a document may draw a line's parts in another
    order (a fallback font's run, a mark at the line's end), which a reader never sees.
    """
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    texts = []
    for page in document:
        textpage = page.get_textpage()
        lines: list[list[tuple[float, str]]] = [[]]
        right = 0.0
        spaces = 0  # generated spaces have no box: each goes just before the letter that follows it
        for index in range(textpage.count_chars()):
            letter = textpage.get_text_range(index, 1)
            if letter in ("\r", "\n", LINE_END_HYPHEN):
                lines[-1] += [(right, " ")] * spaces + ([(right, "-")] if letter == LINE_END_HYPHEN else [])
                spaces = 0
                if letter != "\r" or not lines[-1]:
                    lines.append([])
                continue
            left, _bottom, box_right, _top = textpage.get_charbox(index)
            if box_right <= left:
                spaces += 1
                continue
            lines[-1] += [(left - 0.001, " ")] * spaces + [(left, letter)]
            spaces, right = 0, box_right
        lines[-1] += [(right, " ")] * spaces
        texts.append("\n".join("".join(letter for _x, letter in sorted(line, key=lambda c: c[0]))
                               for line in lines if line))
    document.close()
    return texts


def all_text(pdf: bytes) -> str:
    """All text with runs of white space (line breaks of wrapped names) as one space."""
    return " ".join(" ".join(page_texts(pdf)).split())


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    #: Box in millimetres from the page's top left corner.
    left: float
    top: float
    right: float
    bottom: float


def words(pdf: bytes) -> list[Word]:
    """Every word with its box: runs of characters between white space, each box the union of its letters'."""
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    found = []
    for number, page in enumerate(document):
        height = page.get_height()
        textpage = page.get_textpage()
        letters: list[tuple[str, tuple[float, float, float, float]]] = []

        def flush():
            if letters:
                text = "".join(letter for letter, _ in letters)
                left = min(box[0] for _, box in letters)
                bottom = min(box[1] for _, box in letters)
                right = max(box[2] for _, box in letters)
                top = max(box[3] for _, box in letters)
                found.append(Word(number, text, left * MM_PER_PT, (height - top) * MM_PER_PT,
                                  right * MM_PER_PT, (height - bottom) * MM_PER_PT))
                letters.clear()

        for index in range(textpage.count_chars()):
            letter = textpage.get_text_range(index, 1)
            if not letter or letter.isspace():
                flush()
            elif letter == LINE_END_HYPHEN:
                letters.append(("-", textpage.get_charbox(index)))
                flush()
            else:
                letters.append((letter, textpage.get_charbox(index)))
        flush()
    document.close()
    return found


@dataclass(frozen=True)
class Code:
    page: int
    text: str
    #: Centre in millimetres from the page's top left corner.
    x: float
    y: float


def qr_codes(pdf: bytes) -> list[Code]:
    """Every QR code on every page, rasterised at 150 dpi and decoded, page by page, top to bottom."""
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    codes = []
    for number in range(len(document)):
        image = document[number].render(scale=DPI / 72).to_pil()
        for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            corners = [result.position.top_left, result.position.top_right,
                       result.position.bottom_left, result.position.bottom_right]
            x = sum(c.x for c in corners) / 4 / DPI * 25.4
            y = sum(c.y for c in corners) / 4 / DPI * 25.4
            codes.append(Code(number, result.text, x, y))
    document.close()
    return sorted(codes, key=lambda c: (c.page, round(c.y), c.x))


def page_count(pdf: bytes) -> int:
    return len(pypdfium2.PdfDocument(io.BytesIO(pdf)))


def page_size_mm(pdf: bytes) -> tuple[float, float]:
    page = pypdfium2.PdfDocument(io.BytesIO(pdf))[0]
    width, height = page.get_size()
    return round(width * MM_PER_PT), round(height * MM_PER_PT)


def record_fetches(monkeypatch, directory):
    """Every URL a render asks its fetcher for, also from the child process the render runs in
    (written to a file there); returns a function that reads them."""
    from confapp.documents.render import StaticOnlyFetcher

    log = directory / "fetched.txt"
    log.write_text("")
    original = StaticOnlyFetcher._lookup

    def lookup(self, url):
        with log.open("a") as out:
            out.write(url + "\n")
        return original(self, url)

    monkeypatch.setattr(StaticOnlyFetcher, "_lookup", lookup)
    return lambda: log.read_text().splitlines()
