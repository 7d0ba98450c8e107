"""QR codes as vector squares: the matrix from ``qrcode``'s public ``QRCode``, drawn as one filled path."""
from __future__ import annotations

import re

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError

#: Modules of white space around the code that scanners need (the standard's four: with two, a
#: decoder now and then finds a ghost code inside a real one).
QUIET_ZONE = 4
#: Any of the eight mask patterns makes a valid code; choosing the best one costs 80 % of the
#: encoding time, and the tests decode every printed code.
MASK_PATTERN = 2


#: The version (size) that held the last text of each length: badge URLs all have one length,
#: and trying it first saves ``qrcode`` the search for the smallest version that fits.
_versions: dict[int, int] = {}


def _code(text: str) -> qrcode.QRCode:
    version = _versions.get(len(text))
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=QUIET_ZONE,
                         mask_pattern=MASK_PATTERN)
    code.add_data(text)
    try:
        code.make(fit=version is None)
    except DataOverflowError:  # a text of the same length that needs a larger version
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=MASK_PATTERN)
        code.add_data(text)
        code.make(fit=True)
    _versions[len(text)] = code.version
    return code


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the QR code of ``text`` (error correction M), quiet zone included."""
    return _code(text).get_matrix()


def dark_runs(matrix: list[list[bool]]):
    """(row, first column, length) of each horizontal run of dark modules."""
    for y, row in enumerate(matrix):
        for run in re.finditer(rb"\x01+", bytes(row)):
            yield y, run.start(), run.end() - run.start()


def qr_operators(matrix: list[list[bool]], x: float, y: float, size: float) -> str:
    """PDF content stream operators that draw ``matrix`` as a white square with the dark runs on it.

    ``x``, ``y`` and ``size`` are in the page's current units. Scaled to module units first, so
    each run is four small integers: thousands of codes stay cheap.
    """
    modules = len(matrix)
    scale = size / modules
    runs = "".join(f"{column} {row} {length} 1 re\n" for row, column, length in dark_runs(matrix))
    return f"q {scale:.4f} 0 0 {scale:.4f} {x:.3f} {y:.3f} cm 1 g 0 0 {modules} {modules} re f\n0 g\n{runs}f Q\n"
