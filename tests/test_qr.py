"""QR codes: the fast encoder makes exactly the modules ``qrcode`` makes."""
from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from confapp.documents.qr import MASK_PATTERN, QUIET_ZONE, qr_matrix


def _by_qrcode(text: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=MASK_PATTERN)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def test_codes_of_one_shape_match_qrcode_after_the_first():
    texts = [f"https://tagung.example.org/c/{n:043d}" for n in range(3)]
    texts += [f"https://tagung.example.org/c/Token-{n}_{'x' * 37}" for n in range(3)]  # byte mode, several blocks
    texts += ["HELLO WORLD 123", "HELLO WORLD 456", "ü" * 120, "ä" * 120]

    for text in texts:
        assert qr_matrix(text) == _by_qrcode(text), text
