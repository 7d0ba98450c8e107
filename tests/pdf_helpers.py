"""Reading PDFs as a person would: the text on each page, where words sit, the QR codes a phone decodes."""
from __future__ import annotations

import html
import io
import re
import subprocess
from dataclasses import dataclass

import pypdfium2
import zxingcpp

MM_PER_PT = 25.4 / 72
DPI = 150


def page_texts(pdf: bytes) -> list[str]:
    """Text of every page (pdftotext, in reading order)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode().split("\f")[:-1]


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
    """Every word with its box (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    found = []
    for page, body in enumerate(out.split("<page ")[1:]):
        for x0, y0, x1, y1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body):
            found.append(Word(page, html.unescape(text), *(float(v) * MM_PER_PT for v in (x0, y0, x1, y1))))
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
