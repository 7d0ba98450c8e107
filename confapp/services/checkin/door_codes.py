"""The short code printed under a badge's QR code, for a door whose camera fails.

Derived from the badge token (nothing to store, and a new token makes a new code): six
characters of Crockford's base 32, shown as "K7M-2QX"; typed in, O counts as 0 and I or L as 1,
case and hyphens do not matter. Thirty bits make two attendees of one event share a code about
once in three thousand events of 600 people; the door's search then lists both and staff pick by
name. The code only finds a person for signed-in door staff: it is no capability on its own, as
the token in the QR code is.
"""
from __future__ import annotations

import hashlib
import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6
_TYPED = re.compile(r"[\s-]*([0-9A-Za-z][\s-]*){6}")
_LOOK_ALIKES = str.maketrans("OIL", "011")


def door_code(badge_token: str) -> str:
    """The printed code of a badge token, e.g. "K7M-2QX"."""
    number = int.from_bytes(hashlib.sha256(badge_token.encode()).digest()[:4]) >> 2
    chars = "".join(ALPHABET[(number >> shift) & 31] for shift in range(25, -1, -5))
    return f"{chars[:3]}-{chars[3:]}"


def typed_door_code(text: str) -> str | None:
    """``text`` as a door code in printed form if it can be one ("k7m 2qx" → "K7M-2QX"), else None."""
    if not _TYPED.fullmatch(text or ""):
        return None
    chars = re.sub(r"[\s-]", "", text).upper().translate(_LOOK_ALIKES)
    if any(char not in ALPHABET for char in chars):
        return None
    return f"{chars[:3]}-{chars[3:]}"
