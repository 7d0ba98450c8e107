"""The one way a PDF is made: a Jinja template from ``templates/documents/`` → HTML → WeasyPrint.

WeasyPrint would happily follow any URL in the HTML (``file:///etc/passwd``, ``http://…``).
Templates autoescape everything attendees type, and on top of that the URL fetcher here serves
only two things: files under ``confapp/static/`` and images the caller generated for this very
render (QR codes, the network logo). Everything else is refused, so nothing an attendee or an
organiser types can make a render read a file or reach the network.

Every render runs in a child process with a time bound (``DOCUMENT_RENDER_SECONDS`` per part):
a part that takes longer is stopped and ``RenderTimeout`` says so in German, instead of a web
worker hanging until its server kills it.
"""
from __future__ import annotations

import gc
import io
import logging
import multiprocessing
import os
import signal
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pydyf
from flask import current_app, render_template
from pypdf import PdfWriter
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.ffi import FROM_UNITS, ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from confapp.documents.qr import qr_matrix, qr_operators

STATIC_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()
STATIC_URL = STATIC_DIR.as_uri() + "/"
#: Scheme of images made for one render; they exist only in that render's ``Resources``.
GENERATED_SCHEME = "confapp-generated"
MIME_TYPES = {".ttf": "font/ttf", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml",
              ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

PX_TO_PT = 0.75
PX_PER_MM = 96 / 25.4
PT_PER_MM = 72 / 25.4

log = logging.getLogger(__name__)


#: Seconds one part of a document may take, unless ``DOCUMENT_RENDER_SECONDS`` says otherwise.
RENDER_SECONDS = 20


class RenderTimeout(RuntimeError):
    """A document took longer than its time bound; ``str()`` is a German sentence saying what to do."""

    def __init__(self, seconds: float):
        super().__init__(f"Das Dokument konnte nicht innerhalb von {seconds:g} Sekunden erstellt werden. "
                         "Bitte prüfen Sie das Logo des Netzwerks (eine sehr aufwendige SVG-Grafik) "
                         "oder erstellen Sie das Dokument für weniger Personen auf einmal.")
        self.seconds = seconds


class RefusedURL(ValueError):
    """A document asked for something outside the app's static files and its generated images."""


@dataclass
class Resources:
    """What one render draws besides the HTML: generated images and QR codes.

    Images are addressed as ``confapp-generated:<name>``. QR codes are drawn as vector squares
    straight into the PDF, into the box of the element with ``data-qr="<name>"`` or at a place
    given in millimetres: WeasyPrint parses an SVG QR code about ten times slower than this, and
    badges come by the thousand.
    """

    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    #: Text each QR code holds, by the name in ``data-qr``; encoded in the (parallel) render.
    qr_codes: dict[str, str] = field(default_factory=dict)
    #: QR codes at a fixed place: (page index, left, top, size in mm, text). Labels sit where
    #: their layout says, so badges need no box per code for WeasyPrint to lay out.
    placed_qr_codes: list[tuple[int, float, float, float, str]] = field(default_factory=list)
    #: Lines of text repeated on many labels, by the name in ``data-repeat`` (see ``_repeated_lines``).
    repeated: dict[str, str] = field(default_factory=dict)
    #: Repeated lines at a fixed place without an element: (page index, name, left, top, width, height in mm).
    placed_repeats: list[tuple[int, str, float, float, float, float]] = field(default_factory=list)

    def add(self, name: str, data: bytes, mime: str) -> str:
        """Register an image and return the URL a template puts into ``<img src>``."""
        self.images[name] = (data, mime)
        return f"{GENERATED_SCHEME}:{name}"

    def add_qr(self, name: str, text: str) -> str:
        """Register a QR code and return the name a template puts into ``data-qr``."""
        self.qr_codes[name] = text
        return name

    def place_qr(self, page: int, left: float, top: float, size: float, text: str) -> None:
        """Draw a QR code of ``text`` on the ``page``-th page (from 0), its top left corner and size in mm."""
        self.placed_qr_codes.append((page, left, top, size, text))

    def repeat(self, name: str, text: str) -> str:
        """Copy the line ``text`` into every empty ``data-repeat="<name>"`` element; return the name."""
        self.repeated[name] = text
        return name

    def place_repeat(self, page: int, name: str, left: float, top: float, width: float, height: float) -> None:
        """Draw the repeated line ``name`` into a box (mm) of the ``page``-th page as if an empty element were there."""
        self.placed_repeats.append((page, name, left, top, width, height))


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's static files and this render's generated images; refuses everything else."""

    def __init__(self, resources: Resources | None = None):
        super().__init__(allowed_protocols=("file", GENERATED_SCHEME), allow_redirects=False)
        self.resources = resources or Resources()
        #: URLs this fetcher refused, for the log and for tests.
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            body, mime = self._lookup(url)
        except RefusedURL:
            self.refused.append(url)
            log.warning("document render refused to fetch %r", url[:200])
            raise
        return URLFetcherResponse(url, body, {"Content-Type": mime})

    def _lookup(self, url: str) -> tuple[bytes, str]:
        parts = urlsplit(url)
        if parts.scheme == GENERATED_SCHEME:
            found = self.resources.images.get(unquote(parts.path))
            if found is None:
                raise RefusedURL(url)
            return found
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(url)
        path = Path(url2pathname(unquote(parts.path))).resolve()
        # resolve() follows "..", so a path that leaves the static folder is caught here.
        if not path.is_relative_to(STATIC_DIR) or not path.is_file():
            raise RefusedURL(url)
        return path.read_bytes(), MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")


def html_to_pdf(html: str, resources: Resources | None = None) -> bytes:
    """HTML → PDF bytes with the locked-down fetcher. The only place WeasyPrint is called."""
    resources = resources or Resources()
    fetcher = StaticOnlyFetcher(resources)
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=STATIC_URL, url_fetcher=fetcher)
    return document.write_pdf(font_config=fonts, finisher=partial(_draw_after_layout, resources))


def _draw_after_layout(resources: Resources, document, pdf) -> None:
    """Draw the QR codes as vector squares and the repeated lines onto their pages (a WeasyPrint finisher).

    After WeasyPrint paints a page its content stream is left in CSS page coordinates (origin
    top left, y down) in points, so the codes go into a second content stream of the page, which
    PDF reads as the continuation of the first. Our own stream, because pydyf compresses at zlib
    level 9, which on these thousands of little squares takes seven times as long as level 6 for
    a file about a tenth smaller.
    """
    codes, placed = resources.qr_codes, resources.placed_qr_codes
    by_page = _repeated_lines(resources, document)
    if not codes and not placed and not by_page:
        return
    for page, left, top, size, text in placed:
        by_page.setdefault(page, []).append(
            qr_operators(qr_matrix(text), left * PT_PER_MM, top * PT_PER_MM, size * PT_PER_MM))
    for index, (page, number) in enumerate(zip(document.pages, pdf.pages["Kids"][::3])):
        drawn = by_page.get(index, [])
        for box in page._page_box.descendants(placeholders=True) if codes else ():
            name = box.element.get("data-qr") if box.element is not None and box.element_tag == "div" else None
            if name in codes:
                drawn.append(qr_operators(qr_matrix(codes[name]), box.content_box_x() * PX_TO_PT,
                                          box.content_box_y() * PX_TO_PT, min(box.width, box.height) * PX_TO_PT))
        if drawn:
            stream = pydyf.Stream([zlib.compress("".join(drawn).encode())], {"Filter": "/FlateDecode"})
            pdf.add_object(stream)
            pdf.objects[number]["Contents"] = pydyf.Array([pdf.objects[number]["Contents"], stream.reference])


def _repeated_lines(resources: Resources, document) -> dict[int, list[str]]:
    """Operators that print each repeated line into the empty elements marked for it, by page index.

    Laying out and drawing a line costs WeasyPrint as much as a whole name, and the head line of
    a badge is the same on every badge. So WeasyPrint draws it once, in the one marked element
    that holds the text, which also puts its glyphs into the embedded font. Every other marked
    element (and every box given by ``place_repeat``) gets the same glyphs in that font at the
    same place in its line, the line placed beside or below the box's floats and cut off where
    the box or a float begins, as WeasyPrint would with ``white-space: nowrap; overflow: hidden``.
    The text must be in one font (no fallback). This reads WeasyPrint's layout and font objects
    (``_page_box``, the Pango layout of the drawn line, ``Font.widths``): recheck on upgrades,
    the badge tests compare every label's head line.
    """
    repeated = resources.repeated
    if not repeated:
        return {}
    samples: dict[str, tuple[str, float, float, float, float, str]] = {}
    targets: list[tuple[int, str, float, float, float, float, list[tuple[float, float]]]] = [
        (page, name, *(mm * PX_PER_MM for mm in box), []) for page, name, *box in resources.placed_repeats]
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants(placeholders=True):  # labels sit in placeholders
            name = box.element.get("data-repeat") if isinstance(box, boxes.BlockBox) else None
            if name not in repeated:
                continue
            inside = list(box.descendants(placeholders=True))
            floats = [(child.position_x, child.position_y + child.margin_height()) for child in inside
                      if child.is_floated()]
            x, y = box.content_box_x(), box.content_box_y()
            text = next((child for child in inside if isinstance(child, boxes.TextBox) and child.element is box.element
                         and child.text.strip()), None)
            if text is None:
                targets.append((index, name, x, y, box.width, box.height, floats))
            elif name not in samples:
                top = _line_place(x, y, box.width, floats, text.width)[0]
                samples[name] = _sample(document, text, x, top)
    by_page: dict[int, list[str]] = {}
    for index, name, x, y, width, height, floats in targets:
        if name not in samples:
            continue
        font, size, dx, dy, text_width, glyphs = samples[name]
        top, right = _line_place(x, y, width, floats, text_width)
        by_page.setdefault(index, []).append(
            f"q {x * PX_TO_PT:.3f} {y * PX_TO_PT:.3f} {(right - x) * PX_TO_PT:.3f} {height * PX_TO_PT:.3f} re W n 0 g "
            f"BT /{font} {size:.3f} Tf 1 0 0 -1 {(x + dx) * PX_TO_PT:.3f} {(top + dy) * PX_TO_PT:.3f} Tm "
            f"[{glyphs}] TJ ET Q\n")
    return by_page


def _line_place(x: float, y: float, width: float, floats: list[tuple[float, float]],
                text_width: float) -> tuple[float, float]:
    """Top and right end of an unwrapped line beside right floats ((left, bottom) each): as WeasyPrint
    places it, below the floats it does not fit beside."""
    top = y
    for level in sorted({y} | {bottom for _, bottom in floats}):
        top = level
        right = min([left for left, bottom in floats if bottom > level] + [x + width])
        if text_width <= right - x:
            break
    return top, right


def _sample(document, text_box, x: float, top: float) -> tuple[str, float, float, float, float, str]:
    """Font, size (pt), place of the baseline from the line's start (px), width and glyphs of a line WeasyPrint drew.

    The glyphs are its own shaped glyphs (kerning included), as a ``TJ`` array body the way
    WeasyPrint writes them: glyph ids, each followed by its kerning in thousandths of an em.
    """
    style = text_box.style
    size = style["font_size"]
    font = next(font for font in document.fonts.values()
                if font.family == style["font_family"][0] and font.weight == style["font_weight"])
    glyphs = []
    text_box.pango_layout.reactivate(style)  # WeasyPrint let go of it once drawn
    run = text_box.pango_layout.get_first_line()[0].runs[0]
    while run != ffi.NULL:
        shaped = run.data.glyphs
        for glyph in shaped.glyphs[0:shaped.num_glyphs]:
            kerning = font.widths[glyph.glyph] - glyph.geometry.width * FROM_UNITS / size * 1000
            glyphs.append(f"<{glyph.glyph:04x}>{int(kerning)}")
        run = run.next
    text_box.pango_layout.deactivate()
    return (font.hash, size * PX_TO_PT, text_box.position_x - x, text_box.position_y + text_box.baseline - top,
            text_box.width, "".join(glyphs))


def _html_to_pdf_job(job: tuple[str, Resources | None]) -> bytes:
    return html_to_pdf(*job)


def _start_worker() -> None:
    """Keep a render worker's garbage collector off the heap it inherited from the app.

    A forked worker holds the app's objects (ORM rows, templates, imports); without this every
    full collection during a render walks them all again and copies the memory pages they sit on.
    SIGTERM gets its default back: a handler inherited from the parent (``flask mail-worker`` sets
    one) would keep a worker alive that a render past its time bound must stop.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.freeze()


#: One part of a document rendered in parts: extra template context and the part's resources,
#: or a function that makes them when the part's turn comes.
Part = tuple[dict, Resources] | Callable[[], tuple[dict, Resources]]


def render_pdf(template: str, *, resources: Resources | None = None, parts: Sequence[Part] | None = None,
               workers: int | None = None, on_part_done: Callable[[int], None] | None = None, **context) -> bytes:
    """Render ``templates/documents/<template>`` to PDF bytes.

    With ``parts``, the template is rendered once per part and the PDFs are joined in order;
    parts render in parallel processes, since WeasyPrint uses one core, and ``on_part_done``
    hears the index of each finished part. A part given as a function is made only once the
    parts before it are on their way, so making it overlaps their render.
    Templates get ``static_url`` for the vendored fonts.
    """
    def html(extra: dict) -> str:
        return render_template(f"documents/{template}", static_url=static_url, **context, **extra)

    def jobs():
        for part in parts:
            extra, part_resources = part() if callable(part) else part
            yield html(extra), part_resources

    seconds = float(current_app.config.get("DOCUMENT_RENDER_SECONDS") or RENDER_SECONDS)
    if not parts:
        parts = [({}, resources)]
    workers = min(workers or os.cpu_count() or 1, len(parts))
    pdfs = []
    # fork: the workers inherit the imported WeasyPrint; they only turn HTML into bytes and touch
    # neither the database nor the app. A separate process also bounds the time: it can be stopped.
    with multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker) as pool:
        # Submitted one by one as made: the first part renders while the main process makes the next.
        done = [pool.apply_async(_html_to_pdf_job, (job,)) for job in jobs()]
        for index, pdf in enumerate(done):
            try:
                pdfs.append(pdf.get(timeout=seconds))
            except multiprocessing.TimeoutError:
                pool.terminate()
                log.warning("document %s: a part took longer than %s s and was stopped", template, seconds)
                raise RenderTimeout(seconds) from None
            if on_part_done:
                on_part_done(index)
        pool.close()  # done: the workers leave when the queue closes, nothing is killed
        pool.join()
    return join_pdfs(pdfs)


def split(items: Sequence, size: int) -> list[Sequence]:
    """``items`` in runs of ``size`` (the last one shorter)."""
    return [items[start:start + size] for start in range(0, len(items), size)]


def join_pdfs(pdfs: Sequence[bytes]) -> bytes:
    """One PDF with the pages of all ``pdfs`` in order."""
    if len(pdfs) == 1:
        return pdfs[0]
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def static_url(path: str) -> str:
    """The URL of a file under ``confapp/static/`` as the fetcher serves it."""
    return STATIC_URL + path.lstrip("/")
