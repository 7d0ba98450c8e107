"""Mass e-mail: nothing goes to many people before the organiser saw how many and how it reads.

Every action that may send more than one e-mail (messages, assignment results, waitlist notices)
first shows a ``BulkMail``: how many get one, one of them written out, and a fingerprint of who
gets what. Sending needs that fingerprint back: if the recipients or the text changed since the
preview (a registration came in, the text was edited), the organiser sees the new preview first.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from confapp.services.mail.outbox import RenderedEmail


class NotConfirmed(Exception):
    """A mass e-mail was asked to go out without a confirmed, still valid preview.

    Carries the current preview, so that the organiser can be shown it at once."""

    def __init__(self, message: object, preview: BulkMail | None = None):
        super().__init__(message)
        self.preview = preview


@dataclass(frozen=True)
class BulkMail:
    """What a mass e-mail action would send, for the confirmation step."""

    #: How many e-mails would go out.
    count: int
    #: The first of them, written out (None when nobody gets one).
    sample: RenderedEmail | None
    #: Stands for the recipients and the text; the confirmation sends it back.
    fingerprint: str
    #: People it concerns who have no address (registered by phone or on paper): told by hand.
    without_email: int = 0
    #: Who gets one, as the organiser knows them (name, institution, address), in sending order.
    names: tuple[str, ...] = ()


def fingerprint(*parts: object) -> str:
    """A short digest of what would be sent (recipient ids, texts)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def bulk_mail(recipient_ids: Iterable[object], sample: RenderedEmail | None, *texts: object,
              without_email: int = 0, names: Iterable[str] = ()) -> BulkMail:
    """The preview of sending to ``recipient_ids`` (in sending order), ``sample`` being the first e-mail;
    ``names`` lists the recipients for the organiser to read (not part of the fingerprint)."""
    ids = list(recipient_ids)
    return BulkMail(count=len(ids), sample=sample, fingerprint=fingerprint(ids, *texts), without_email=without_email,
                    names=tuple(names))


def sample_texts(sample: RenderedEmail | None) -> tuple[str, str]:
    """The words of an e-mail written from a template, for the fingerprint: an edited event title or a
    material added since the preview changes what everybody reads."""
    return (sample.subject, sample.text) if sample is not None else ("", "")


def require_confirmed(current: BulkMail, confirmed: str | None) -> None:
    """Refuse unless the organiser confirmed exactly this preview (``confirmed`` is its fingerprint)."""
    if not confirmed:
        raise NotConfirmed(_l("Bitte sehen Sie sich zuerst die Vorschau an und bestätigen Sie dann den Versand."),
                           current)
    if confirmed != current.fingerprint:
        raise NotConfirmed(_l("Seit der Vorschau haben sich Empfänger*innen oder Text geändert. Es wurde nichts "
                              "verschickt. Bitte prüfen Sie die neue Vorschau und bestätigen Sie den Versand erneut."),
                           current)
