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
from flask_babel import gettext as _
from pypdf import PdfWriter
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from confapp.documents.qr import qr_matrix, qr_operators

STATIC_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()
STATIC_URL = STATIC_DIR.as_uri() + "/"
#: Scheme of images made for one render; they exist only in that render's ``Resources``.
GENERATED_SCHEME = "confapp-generated"
MIME_TYPES = {".ttf": "font/ttf", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml",
              ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

PT_PER_MM = 72 / 25.4
PT_PER_PX = 0.75

log = logging.getLogger(__name__)


#: Seconds one part of a document may take, unless ``DOCUMENT_RENDER_SECONDS`` says otherwise.
RENDER_SECONDS = 20


class RenderTimeout(RuntimeError):
    """A document took longer than its time bound; ``str()`` says what to do, in the language of
    the page asking (German in the CLI)."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds

    def __str__(self) -> str:
        return _("Das Dokument konnte nicht innerhalb von %(seconds)s Sekunden erstellt werden. "
                 "Bitte prüfen Sie das Logo des Netzwerks (eine sehr aufwendige SVG-Grafik) "
                 "oder erstellen Sie das Dokument für weniger Personen auf einmal.", seconds=f"{self.seconds:g}")
        self.seconds = seconds


class RefusedURL(ValueError):
    """A document asked for something outside the app's static files and its generated images."""


@dataclass
class Resources:
    """What one render draws besides the HTML: generated images and QR codes.

    Images are addressed as ``confapp-generated:<name>``; an image used on many labels is parsed
    once per render. QR codes are drawn as vector squares straight into the PDF by a WeasyPrint
    ``finisher``, at a place given in millimetres (labels sit where their layout says, so badges
    need no box per code for WeasyPrint to lay out) or at an element's place read from the
    rendered page's anchors (its ``id``). WeasyPrint parses an SVG code about ten times slower,
    and badges come by the thousand. Codes are drawn as artifacts: the text next to them (the
    URL, the door code) is what a screen reader reads.
    """

    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    #: QR codes at a fixed place: (page index, left, top, size in mm, text).
    placed_qr_codes: list[tuple[int, float, float, float, str]] = field(default_factory=list)
    #: QR codes in the box of the element with this ``id``: (size in mm, text) by id.
    anchored_qr_codes: dict[str, tuple[float, str]] = field(default_factory=dict)

    def add(self, name: str, data: bytes, mime: str) -> str:
        """Register an image and return the URL a template puts into ``<img src>``."""
        self.images[name] = (data, mime)
        return f"{GENERATED_SCHEME}:{name}"

    def place_qr(self, page: int, left: float, top: float, size: float, text: str) -> None:
        """Draw a QR code of ``text`` on the ``page``-th page (from 0), its top left corner and size in mm."""
        self.placed_qr_codes.append((page, left, top, size, text))

    def anchor_qr(self, element_id: str, size: float, text: str) -> str:
        """Draw a QR code of ``text`` (``size`` mm) at the top left of the element ``id="<element_id>"``."""
        self.anchored_qr_codes[element_id] = (size, text)
        return element_id


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


def html_to_pdf(html: str, resources: Resources | None = None, tagged: bool = False) -> bytes:
    """HTML → PDF bytes with the locked-down fetcher. WeasyPrint is called only here and in
    ``render_fitting`` (in its child process), both through ``_laid_out``.

    ``tagged`` makes an accessible PDF (PDF/UA-1: structure tree, title and language from the
    HTML), for documents that are published or read on screen.
    """
    return _write(_laid_out(html, resources, tagged), resources, tagged)


def _laid_out(html: str, resources: Resources | None, tagged: bool):
    """The WeasyPrint document of ``html``, laid out into pages."""
    fetcher = StaticOnlyFetcher(resources or Resources())
    return HTML(string=html, base_url=STATIC_URL, url_fetcher=fetcher).render(**_options(tagged))


def _options(tagged: bool) -> dict:
    return {"pdf_variant": "pdf/ua-1"} if tagged else {}


def _write(document, resources: Resources | None, tagged: bool) -> bytes:
    resources = resources or Resources()
    finisher = partial(_draw_qr_codes, resources) if resources.placed_qr_codes or resources.anchored_qr_codes else None
    return document.write_pdf(finisher=finisher, **_options(tagged))


def _draw_qr_codes(resources: Resources, document, pdf: pydyf.PDF) -> None:
    """Draw the placed QR codes as vector squares onto their pages (a WeasyPrint ``finisher``).

    After WeasyPrint paints a page its content stream is left in CSS page coordinates (origin
    top left, y down) in points, so the codes go into a second content stream of the page, which
    PDF reads as the continuation of the first. Our own stream, because pydyf compresses at zlib
    level 9, which on these thousands of little squares takes seven times as long as level 6 for
    a file about a tenth smaller.
    """
    by_page: dict[int, list[str]] = {}
    for page, left, top, size, text in resources.placed_qr_codes:
        by_page.setdefault(page, []).append(
            qr_operators(qr_matrix(text), left * PT_PER_MM, top * PT_PER_MM, size * PT_PER_MM))
    for index, page in enumerate(document.pages if resources.anchored_qr_codes else ()):
        for element_id, (size, text) in resources.anchored_qr_codes.items():
            if element_id in page.anchors:
                left, top = page.anchors[element_id][:2]  # CSS px
                by_page.setdefault(index, []).append(
                    qr_operators(qr_matrix(text), left * PT_PER_PX, top * PT_PER_PX, size * PT_PER_MM))
    # pydyf lists the page tree's kids as flat "number 0 R" triples.
    for index, number in enumerate(pdf.pages["Kids"][::3]):
        if index in by_page:
            operators = "/Artifact BMC\n" + "".join(by_page[index]) + "EMC\n"
            stream = pydyf.Stream([zlib.compress(operators.encode())], {"Filter": "/FlateDecode"})
            pdf.add_object(stream)
            pdf.objects[number]["Contents"] = pydyf.Array([pdf.objects[number]["Contents"], stream.reference])


def _html_to_pdf_job(job: tuple[str, Resources | None, bool]) -> bytes:
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
               workers: int | None = None, on_part_done: Callable[[int], None] | None = None,
               tagged: bool = False, **context) -> bytes:
    """Render ``templates/documents/<template>`` to PDF bytes.

    With ``parts``, the template is rendered once per part and the PDFs are joined in order;
    parts render in parallel processes, since WeasyPrint uses one core, and ``on_part_done``
    hears the index of each finished part. A part given as a function is made only once the
    parts before it are on their way, so making it overlaps their render.
    ``tagged`` makes an accessible PDF (see ``html_to_pdf``); a tagged PDF is rendered in one
    part, because joining PDFs would drop their structure trees.
    Templates get ``static_url`` for the vendored fonts.
    """
    def html(extra: dict) -> str:
        return render_template(f"documents/{template}", static_url=static_url, **context, **extra)

    def jobs():
        for part in parts:
            extra, part_resources = part() if callable(part) else part
            yield html(extra), part_resources, tagged

    if not parts:
        parts = [({}, resources)]
    workers = min(workers or os.cpu_count() or 1, len(parts))
    return join_pdfs(_bounded(_html_to_pdf_job, jobs(), workers, template, on_part_done))


def render_seconds() -> float:
    """The time bound of one part of a document (``DOCUMENT_RENDER_SECONDS``)."""
    return float(current_app.config.get("DOCUMENT_RENDER_SECONDS") or RENDER_SECONDS)


def _bounded(job: Callable, jobs, workers: int, template: str,
             on_part_done: Callable[[int], None] | None = None) -> list:
    """``job`` of each of ``jobs`` in child processes, each within ``render_seconds``; the results in order.

    Raises ``RenderTimeout`` once one takes longer (its workers are stopped).
    """
    seconds = render_seconds()
    results = []
    # fork: the workers inherit the imported WeasyPrint; they only turn HTML into bytes and touch
    # neither the database nor the app. A separate process also bounds the time: it can be stopped.
    with multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker) as pool:
        # Submitted one by one as made: the first part renders while the main process makes the next.
        done = [pool.apply_async(job, (arguments,)) for arguments in jobs]
        for index, result in enumerate(done):
            try:
                results.append(result.get(timeout=seconds))
            except multiprocessing.TimeoutError:
                pool.terminate()
                log.warning("document %s: a part took longer than %s s and was stopped", template, seconds)
                raise RenderTimeout(seconds) from None
            if on_part_done:
                on_part_done(index)
        pool.close()  # done: the workers leave when the queue closes, nothing is killed
        pool.join()
    return results


def render_fitting(template: str, variants: Sequence[dict], *, max_pages: int, resources: Resources | None = None,
                   tagged: bool = False, **context) -> tuple[bytes, int | None]:
    """The first of ``variants`` (extra template context, from roomiest to tightest) whose render
    has at most ``max_pages`` pages, and its index; the last variant and None if none fits.

    A tighter variant never needs more pages than a roomier one, so the first that fits is found
    by halving: three or four renders for six variants. The variants' HTML is made here (the
    templates need the app); laying them out runs in a child process within ``render_seconds``.
    """
    htmls = [render_template(f"documents/{template}", static_url=static_url, **context, **variant)
             for variant in variants]
    [fitted] = _bounded(_fitting_job, [(htmls, max_pages, resources, tagged)], 1, template)
    return fitted


def _fitting_job(job: tuple[list[str], int, Resources | None, bool]) -> tuple[bytes, int | None]:
    htmls, max_pages, resources, tagged = job
    laid_out: dict[int, object] = {}

    def pages(index: int) -> int:
        laid_out[index] = _laid_out(htmls[index], resources, tagged)
        return len(laid_out[index].pages)

    low, high = 0, len(htmls) - 1  # the first that fits is in [low, high], or none does
    while low < high:
        middle = (low + high) // 2
        if pages(middle) <= max_pages:
            high = middle
        else:
            low = middle + 1
    fits = (len(laid_out[low].pages) if low in laid_out else pages(low)) <= max_pages
    return _write(laid_out[low], resources, tagged), low if fits else None


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
