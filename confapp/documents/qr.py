"""QR codes as vector squares: the matrix from ``qrcode``, drawn as one filled path per code."""
from __future__ import annotations

import re

import qrcode
from qrcode.constants import ERROR_CORRECT_M

#: Modules of white space around the code that scanners need.
QUIET_ZONE = 2


#: QR version (size) by the modes and lengths of the data's segments, which alone decide it.
_versions: dict[tuple[tuple[int, int], ...], int] = {}


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the QR code of ``text``, quiet zone included.

    The mask pattern is fixed: choosing the best of the eight costs 80 % of encoding time, any
    of them is valid, and the tests decode every printed code. The version is fitted once per
    shape of data: all badge URLs have the same length, and fitting halves the encoding time.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=2)
    code.add_data(text)
    shape = tuple((segment.mode, len(segment)) for segment in code.data_list)
    if shape in _versions:
        code.version = _versions[shape]
        code.make(fit=False)
    else:
        code.make(fit=True)
        _versions[shape] = code.version
    return code.get_matrix()


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

