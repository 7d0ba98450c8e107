"""Sign-in sheets (Teilnehmerlisten) and certificates of attendance (Teilnahmebescheinigungen)."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from confapp.documents.flyer import accent_of
from confapp.documents.render import Resources, render_pdf
from confapp.models import Event, ProgramItem, Registration

def render_sign_in_sheets(event: Event, sheets: Sequence[tuple[ProgramItem | None, list[Registration]]],
                          progress: Callable[[int], None] | None = None) -> bytes:
    """One sheet per (item, attendees); item None is the plenary. Name, organisation, signature: nothing else."""
    rows = [{"item": item, "people": [(r.full_name, r.organisation) for r in people]} for item, people in sheets]
    return render_pdf("sign_in_sheets.html", parts=[({"sheets": rows}, Resources())], event=event,
                      on_part_done=lambda index: progress(len(rows)) if progress else None)


def render_certificates(event: Event, people: Sequence[tuple[str, list[str], str | None]], *,
                        logo: tuple[bytes, str] | None, signature: tuple[bytes, str] | None = None,
                        progress: Callable[[int], None] | None = None) -> bytes:
    """One certificate page per (name, attended items, feedback link or None), in the given order, as one
    tagged PDF (attendees file them and read them on screen; joined parts would lose the structure tree)."""
    people = list(people)
    resources = Resources()
    if logo:
        resources.add("logo", *logo)
    if signature:
        resources.add("signature", *signature)
    for index, (_name, _items, feedback_url) in enumerate(people):
        if feedback_url:
            resources.anchor_qr(f"feedback-qr-{index}", 22, feedback_url)
    return render_pdf("certificates.html", parts=[({"people": people}, resources)], tagged=True,
                      on_part_done=lambda index: progress(len(people)) if progress else None,
                      event=event, network=event.network, has_logo=logo is not None,
                      has_signature=signature is not None, accent=accent_of(event.network))


def render_needs_list(event: Event, kind: str, title: str, **lists) -> bytes:
    """A printable list for the caterer, the venue or the photographer (``services.reports.needs``)."""
    return render_pdf("needs_list.html", event=event, kind=kind, title=title, **lists)
