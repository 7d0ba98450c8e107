"""Human words for every state and action a page shows: the one mapping from code names to German.

Statuses, roles, program kinds, registration history and audit entries are stored as short code
names ("confirmed", "choices_changed", "event.status"); no page shows those. Each name has its
German words here, wrapped for Flask-Babel so the English catalogue translates them. An unknown
name (a new action nobody labelled yet) shows as a neutral word, never as the code name.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from confapp.formatting import backoffice_zone, format_moment, format_wallclock


def _value(member) -> str:
    return getattr(member, "value", member) or ""


_ROLES = {"admin": _l("Administration"), "organiser": _l("Organisation"), "checkin": _l("Einlass"),
          "workshop_leader": _l("Workshopleitung")}
_EVENT_STATUSES = {"draft": _l("Entwurf"), "published": _l("Veröffentlicht"),
                   "closed": _l("Anmeldung geschlossen"), "archived": _l("Archiviert")}
_REGISTRATION_STATUSES = {"confirmed": _l("bestätigt"), "waitlisted": _l("Warteliste"), "cancelled": _l("storniert")}
_ITEM_KINDS = {"talk": _l("Vortrag"), "workshop": _l("Workshop"), "theme_table": _l("Thementisch"),
               "break": _l("Pause")}
_CHOICE_MODES = {"ranked": _l("Wünsche, dann Zuteilung"), "direct": _l("Platz sofort")}
_ASSIGNMENT_SOURCES = {"auto": _l("automatisch zugeteilt"), "manual": _l("von Hand zugeteilt"),
                       "direct": _l("selbst gewählt")}
#: Fields of a registration whose names end up in history notes ("first_name, sector").
_FIELDS = {"first_name": _l("Vorname"), "last_name": _l("Nachname"), "organisation": _l("Einrichtung"),
           "sector": _l("Arbeitsfeld"), "email": _l("E-Mail-Adresse"), "diet": _l("Verpflegung"),
           "access_needs": _l("Unterstützungsbedarf")}

_HISTORY_ACTIONS = {
    "registered": _l("Angemeldet"),
    "link_resent": _l("Link erneut geschickt"),
    "choices_changed": _l("Wünsche geändert"),
    "cancelled": _l("Storniert"),
    "promoted": _l("Von der Warteliste nachgerückt"),
    "workshop_waitlisted": _l("Auf der Warteliste eines Workshops"),
    "workshop_assigned": _l("Workshop-Platz erhalten"),
    "assigned": _l("Zugeteilt"),
    "unassigned": _l("Zuteilung entfernt"),
    "moved": _l("Umgesetzt"),
    "locked": _l("Platz gesperrt"),
    "unlocked": _l("Platz entsperrt"),
    "notified": _l("Zuteilung mitgeteilt"),
    "edited": _l("Angaben korrigiert"),
    "details_changed": _l("Angaben geändert"),
    "checked_in": _l("Eingecheckt"),
    "checkin_undone": _l("Check-in zurückgenommen"),
    "attendance_marked": _l("Im Workshop anwesend"),
    "attendance_unmarked": _l("Anwesenheit im Workshop zurückgenommen"),
}
#: Actions whose words already say the new status ("Storniert"): no "(bestätigt → storniert)" after them.
_SELF_EXPLAINING = {"cancelled", "promoted"}
_ACTORS = {"attendee": _l("die angemeldete Person"), "system": _l("automatisch"), "demo": _l("Demo-Daten"),
           "cli": _l("Kommandozeile")}

_AUDIT_ACTIONS = {
    "event.created": _l("Veranstaltung angelegt"), "event.updated": _l("Veranstaltung geändert"),
    "event.status": _l("Status geändert"), "event.duplicated": _l("Veranstaltung kopiert"),
    "event.purged": _l("Personenbezogene Daten gelöscht"),
    "slot.created": _l("Zeitfenster angelegt"), "slot.updated": _l("Zeitfenster geändert"),
    "slot.deleted": _l("Zeitfenster gelöscht"), "room.saved": _l("Raum gespeichert"),
    "room.deleted": _l("Raum gelöscht"), "item.created": _l("Programmpunkt angelegt"),
    "item.updated": _l("Programmpunkt geändert"), "item.deleted": _l("Programmpunkt gelöscht"),
    "registration.added": _l("Anmeldung von Hand"), "registration.cancelled": _l("Anmeldung storniert"),
    "registration.edited": _l("Anmeldung korrigiert"), "registration.moved": _l("Anmeldung umgesetzt"),
    "registration.data_export": _l("Auskunft heruntergeladen"), "waitlist.promoted": _l("Von der Warteliste geholt"),
    "capacity.override": _l("Mehr Plätze als vorgesehen"), "message.sent": _l("Nachricht verschickt"),
    "export.registrations": _l("Anmeldungen heruntergeladen"), "export.workshop": _l("Workshopliste heruntergeladen"),
    "assignment.applied": _l("Zuteilung übernommen"), "assignment.by_hand": _l("Von Hand zugeteilt"),
    "assignment.locked": _l("Platz gesperrt"), "assignment.unlocked": _l("Platz entsperrt"),
    "assignment.notified": _l("Zuteilungen mitgeteilt"),
}


def _label(labels: dict, member, fallback) -> str:
    value = _value(member)
    return str(labels[value]) if value in labels else str(fallback)


def role_label(role) -> str:
    return _label(_ROLES, role, _("Mitglied"))


def status_label(status) -> str:
    """An event's status: "Entwurf", "Veröffentlicht" …"""
    return _label(_EVENT_STATUSES, status, _("unbekannt"))


def registration_status_label(status) -> str:
    return _label(_REGISTRATION_STATUSES, status, _("unbekannt"))


def item_kind_label(kind) -> str:
    return _label(_ITEM_KINDS, kind, _("Programmpunkt"))


def choice_mode_label(mode) -> str:
    return _label(_CHOICE_MODES, mode, _("unbekannt"))


def assignment_source_label(source) -> str:
    return _label(_ASSIGNMENT_SOURCES, source, _("zugeteilt"))


def field_names(names: str) -> str:
    """"first_name, sector" as "Vorname, Arbeitsfeld" (history notes and old audit summaries)."""
    return re.sub(r"\b(" + "|".join(_FIELDS) + r")\b", lambda m: str(_FIELDS[m.group(1)]), names)


def actor_label(actor: str | None) -> str:
    """Who did it: an organiser's e-mail as it is, the attendee or the system in words."""
    return _label(_ACTORS, actor, actor or _("unbekannt"))


#: Notes written before times were local: "checked in 2024-06-05 09:12 UTC by a@b.de".
_OLD_CHECKIN_NOTE = re.compile(r"^checked in (\d{4}-\d\d-\d\d \d\d:\d\d) UTC by (.*)$")


def history_note(entry, owner=None) -> str:
    note = entry.note or ""
    old = _OLD_CHECKIN_NOTE.match(note)
    if old:
        when = format_moment(datetime.strptime(old.group(1), "%Y-%m-%d %H:%M"), owner or backoffice_zone())
        return _("war eingecheckt am %(when)s von %(by)s", when=when, by=old.group(2))
    if entry.action in ("edited", "details_changed"):
        return field_names(note)
    return note


def history_text(entry, owner=None) -> str:
    """One line of a registration's history: what happened, the status change in words, the note."""
    text = _label(_HISTORY_ACTIONS, entry.action, _("Geändert"))
    if entry.to_status and entry.action not in _SELF_EXPLAINING:
        to_status = registration_status_label(entry.to_status)
        text += (f" ({registration_status_label(entry.from_status)} → {to_status})" if entry.from_status
                 else f" ({to_status})")
    note = history_note(entry, owner)
    return f"{text}: {note}" if note else text


def audit_action_label(action: str) -> str:
    return _label(_AUDIT_ACTIONS, action, _("Änderung"))


_QUOTED = re.compile(r"„([a-z_]+)“")


def audit_summary(entry) -> str:
    """An audit entry's summary; code names in entries written before they had words get words."""
    summary = entry.summary or ""
    if entry.action == "event.status":
        summary = _QUOTED.sub(lambda m: f"„{status_label(m.group(1))}“", summary)
    if entry.action == "registration.edited":
        summary = field_names(summary)
    return summary


#: Field names of the Art. 15 data export (JSON keys) as the attendee's data page shows them.
_DATA_KEYS = {
    **_FIELDS, "id": _l("Nummer"), "name": _l("Name"), "contact": _l("Anschrift"), "title": _l("Titel"),
    "starts_at": _l("Beginn"), "venue": _l("Ort"), "retention_until": _l("Löschung der Daten am"),
    "status": _l("Status"), "created_at": _l("Angelegt am"), "privacy_consent_at": _l("Datenschutz bestätigt am"),
    "photo_consent": _l("Fotos erlaubt"), "needs_consent_at": _l("Einwilligung Verpflegung/Bedarf am"),
    "manage_token": _l("Persönlicher Link (Schlüssel)"), "badge_token": _l("Namensschild-Code"),
    "checked_in_at": _l("Eingecheckt am"), "checked_in_by": _l("Eingecheckt von"),
    "badge_printed_at": _l("Namensschild gedruckt am"), "slot": _l("Zeitfenster"), "rank": _l("Rang"),
    "locked": _l("Platz gesperrt"), "source": _l("Wie zugeteilt"), "notified_at": _l("Mitgeteilt am"),
    "at": _l("Zeitpunkt"), "action": _l("Was"), "from_status": _l("Status vorher"), "to_status": _l("Status nachher"),
    "actor": _l("Von wem"), "note": _l("Hinweis"), "kind": _l("Art"), "text_version": _l("Textfassung"),
    "given": _l("Erteilt"), "to": _l("An"), "subject": _l("Betreff"), "sent_at": _l("Verschickt am"), "text": _l("Text"),
}
_CONSENT_KINDS = {"privacy": _l("Datenschutzhinweise"), "photo": _l("Fotos"), "needs": _l("Verpflegung und Bedarf")}
_MAIL_STATUSES = {"queued": _l("wartet auf Versand"), "sending": _l("wird verschickt"), "sent": _l("verschickt"),
                  "failed": _l("nicht zustellbar")}


def data_key_label(key: str) -> str:
    return _label(_DATA_KEYS, key, key)


def data_value(key: str, value, owner=None, section: str = "") -> str:
    """One value of the data export in words: statuses and actions named, times local, yes/no."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if key in ("status", "from_status", "to_status"):
        return str(_MAIL_STATUSES[value]) if section == "emails" and value in _MAIL_STATUSES \
            else registration_status_label(value)
    words = {"action": _HISTORY_ACTIONS, "source": _ASSIGNMENT_SOURCES, "actor": _ACTORS}.get(key)
    if section == "consents" and key == "kind":
        words = _CONSENT_KINDS
    if words is not None:
        return _label(words, value, value)
    if isinstance(value, str) and _ISO_DAY.match(value):
        moment = datetime.fromisoformat(value)
        if len(value) == 10:
            return format_wallclock(moment, "day")
        # The event's own times are wall-clock times already; everything else is a stored moment.
        return format_wallclock(moment, "short") if section == "event" else format_moment(moment, owner)
    return str(value)


_ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?)?$")


def register(app) -> None:
    for function in (role_label, status_label, registration_status_label, item_kind_label, choice_mode_label,
                     assignment_source_label, actor_label, history_text, audit_action_label, audit_summary,
                     data_key_label, data_value):
        app.jinja_env.globals[function.__name__] = function
