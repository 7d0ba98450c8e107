"""The demo: two networks, "Stark für Familien" and a theme-table forum, with fake registrations.

The events ship as JSON files in ``confapp/demo/`` and load through the event import, dated
relative to today so that registration is open whenever a newcomer tries it.
"""
from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from confapp.extensions import db
from confapp.models import (Event, ItemKind, LegalBasis, Network, Partner, PartnerContact, Preference,
                            Registration, RegistrationHistory, RegistrationStatus, utcnow)
from confapp.services.networks import accounts
from confapp.services.events.file_io import import_event

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"

NETWORKS = (
    {"slug": "anhalt-bitterfeld", "name": "Lokales Netzwerk Kinderschutz Anhalt-Bitterfeld",
     "short_name": "Netzwerk Kinderschutz ABI",
     "responsible_body": "Landkreis Anhalt-Bitterfeld, Jugendamt, Netzwerkkoordination Kinderschutz",
     "representative": "Landrätin oder Landrat des Landkreises Anhalt-Bitterfeld (Beispiel)",
     "postal_address": "Beispielstraße 1\n06366 Köthen (Anhalt)", "phone": "03496 00000-0",
     "contact_email": "netzwerk-kinderschutz@example.org", "accent_color": "#005a8c",
     "data_protection_officer": "Behördlicher Datenschutzbeauftragter des Landkreises Anhalt-Bitterfeld, "
                                "Beispielstraße 1, 06366 Köthen (Anhalt), datenschutz@example.org",
     "supervisory_authority": "Landesbeauftragter für den Datenschutz Sachsen-Anhalt, Otto-von-Guericke-Straße 34a, "
                              "39104 Magdeburg",
     "accessibility_date": date(2024, 3, 1), "enforcement_body": "st"},
    {"slug": "magdeburg", "name": "Netzwerk Kinderschutz und Frühe Hilfen Magdeburg",
     "responsible_body": "Landeshauptstadt Magdeburg, Jugendamt, Netzwerkkoordination",
     "representative": "Oberbürgermeisterin der Landeshauptstadt Magdeburg (Beispiel)",
     "postal_address": "Beispielplatz 2\n39104 Magdeburg", "contact_email": "netzwerk@example.org",
     "data_protection_officer": "Datenschutzbeauftragte der Landeshauptstadt Magdeburg, Beispielplatz 2, "
                                "39104 Magdeburg",
     "supervisory_authority": "Landesbeauftragter für den Datenschutz Sachsen-Anhalt, Otto-von-Guericke-Straße 34a, "
                              "39104 Magdeburg",
     "accessibility_date": date(2024, 3, 1), "enforcement_body": "st"},
)

#: Sign-in for trying the back office locally: one organiser account per demo network.
DEMO_PASSWORD = "demo-passwort-2024"
DEMO_ACCOUNTS = (("organisation@anhalt-bitterfeld.example", "anhalt-bitterfeld", "admin"),
                 ("organisation@magdeburg.example", "magdeburg", "admin"),
                 ("einlass@anhalt-bitterfeld.example", "anhalt-bitterfeld", "checkin"))

#: Event file, weekday it falls on (0 = Monday) and weeks ahead of the day the demo is loaded.
EVENTS = (("stark-fuer-familien.json", 2, 8), ("netzwerkforum-magdeburg.json", 1, 6))

FIRST_NAMES = ("Anna", "Katrin", "Sabine", "Petra", "Julia", "Nadine", "Sandra", "Claudia", "Stefanie",
               "Melanie", "Christina", "Susanne", "Maria", "Lisa", "Franziska", "Jana", "Anja", "Ines",
               "Birgit", "Heike", "Thomas", "Michael", "Andreas", "Stefan", "Frank", "Jens", "Matthias",
               "Daniel", "Tobias", "Martin", "Sven", "Uwe", "Christian", "Markus", "Sebastian", "Ayşe",
               "Leyla", "Olga", "Agnieszka", "Mehmet")
LAST_NAMES = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
              "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun",
              "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler",
              "Schulze", "Maier", "Walter", "Peters", "Kaiser", "Fuchs", "Scholz", "Möller", "Vogel",
              "Friedrich", "Günther", "Keller", "Jung", "Berger", "Sommer", "Yılmaz", "Nowak", "Kowalski")
ORGANISATIONS = {
    "Jugendamt/ASD": ("Jugendamt Landkreis Anhalt-Bitterfeld", "Jugendamt Dessau-Roßlau", "Allgemeiner Sozialer Dienst Köthen"),
    "Kita": ("Kita Sonnenschein Wolfen", "Kita Pusteblume Bitterfeld", "Integrative Kita Regenbogen Köthen"),
    "Schule": ("Grundschule Am Markt Bitterfeld", "Sekundarschule Wolfen-Nord", "Gymnasium Zerbst"),
    "Gesundheitswesen (Ärzt*innen, Hebammen, Therapeut*innen)": ("Kinderarztpraxis Dr. Sommer", "Gesundheitszentrum Bitterfeld-Wolfen", "Praxis für Ergotherapie Köthen"),
    "Gesundheitsamt": ("Gesundheitsamt Landkreis Anhalt-Bitterfeld",),
    "Polizei/Ordnungsbehörde": ("Polizeirevier Anhalt-Bitterfeld", "Ordnungsamt Stadt Köthen"),
    "Familiengericht/Verfahrensbeistand": ("Amtsgericht Bitterfeld-Wolfen, Familiengericht", "Verfahrensbeistandschaft Schulz"),
    "Freier Träger der Kinder- und Jugendhilfe": ("AWO Kreisverband", "Caritas Familienhilfe", "DRK Jugendhilfe"),
    "Beratungsstelle": ("Erziehungs- und Familienberatungsstelle", "Schwangerschaftsberatung pro familia"),
    "Frühe Hilfen/Familienhebamme": ("Koordinierungsstelle Frühe Hilfen", "Familienhebammen im Landkreis"),
    "Eingliederungshilfe": ("Frühförderstelle Köthen",),
    "Jobcenter": ("Jobcenter Anhalt-Bitterfeld",),
    "Ehrenamt": ("Kinderschutzbund Ortsverband", "Familienpatenschaften e. V."),
    "Sonstiges": ("Stadtverwaltung Sandersdorf-Brehna",),
}
#: How often each sector registers, roughly as at a real Fachtagung.
DIETS = ("vegetarisch", "vegetarisch", "vegan", "Vegetarisch, keine Nüsse", "glutenfrei", "laktosefrei",
         "vegan (Sojaallergie)", "kein Schweinefleisch", "")
ACCESS_NEEDS = ("Rollstuhl: stufenloser Zugang und Platz am Tisch", "Induktionsschleife im Plenum",
                "Gebärdensprachdolmetschung", "Sitzplatz nahe dem Ausgang")
SECTOR_WEIGHTS = (22, 20, 16, 8, 3, 5, 3, 12, 5, 4, 2, 2, 2, 2)


def _shifted(data: dict, days: int, today: date) -> dict:
    """Move every time of an event file by ``days`` and open registration from today."""

    def shift(value: str | None) -> str | None:
        if value is None:
            return None
        return (datetime.fromisoformat(value) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")

    data = dict(data, starts_at=shift(data["starts_at"]), ends_at=shift(data["ends_at"]))
    starts = datetime.fromisoformat(data["starts_at"])
    data["registration"] = dict(
        data["registration"],
        opens_at=(datetime.combine(today, datetime.min.time()) - timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
        closes_at=(starts - timedelta(days=7)).replace(hour=23, minute=59).strftime("%Y-%m-%dT%H:%M"),
    )
    data["slots"] = [dict(slot, starts_at=shift(slot["starts_at"]), ends_at=shift(slot["ends_at"]))
                     for slot in data["slots"]]
    return data


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose; the demo (and every test loading it) needs the hash only once.
    return accounts.hash_password(DEMO_PASSWORD)


def _event_day(today: date, weekday: int, weeks: int) -> date:
    target = today + timedelta(weeks=weeks)
    return target + timedelta(days=(weekday - target.weekday()) % 7)


def load_demo(registrations: int = 150, today: date | None = None,
              progress: Callable[[int], None] | None = None) -> list[Event]:
    """Load (or refresh) the demo networks and events, topping up fake registrations to the count.

    Idempotent: running it again updates the events in place and adds no duplicates.
    """
    today = today or date.today()
    for spec in NETWORKS:
        network = db.session.scalar(select(Network).where(Network.slug == spec["slug"]))
        if network is None:
            db.session.add(Network(**spec))
    db.session.commit()
    for email, network_slug, role in DEMO_ACCOUNTS:
        if accounts.by_email(email) is None:
            accounts.grant_role(email, network_slug, role, password_hash=_demo_password_hash())

    events = []
    for filename, weekday, weeks in EVENTS:
        data = json.loads((DEMO_DIR / filename).read_text(encoding="utf-8"))
        original = datetime.fromisoformat(data["starts_at"]).date()
        days = (_event_day(today, weekday, weeks) - original).days
        event, _created = import_event(json.dumps(_shifted(data, days, today)))
        events.append(event)

    wanted = {events[0].id: registrations, events[1].id: registrations * 2 // 3}
    for event in events:
        _add_fake_registrations(event, wanted[event.id], progress)
    _add_demo_partners(events[0].network, events[0])
    return events


#: Institutions of the demo that are not in its partner directory, so the coverage report has "new" ones.
NOT_IN_DIRECTORY = ("Gymnasium Zerbst", "Praxis für Ergotherapie Köthen", "Familienpatenschaften e. V.")
DISTRICTS = ("Bitterfeld-Wolfen", "Köthen", "Zerbst", "Sandersdorf-Brehna")


def _add_demo_partners(network: Network, event: Event) -> None:
    """A partner directory for the first demo network, its registrations linked by institution name."""
    if db.session.scalar(select(Partner.id).where(Partner.network_id == network.id).limit(1)) is None:
        _fill_directory(network)
    partners = {p.name: p.id for p in db.session.scalars(select(Partner).where(Partner.network_id == network.id))}
    for registration in db.session.scalars(select(Registration).where(Registration.event_id == event.id,
                                                                      Registration.partner_id.is_(None))):
        registration.partner_id = partners.get(registration.organisation)
    db.session.commit()


def _fill_directory(network: Network) -> None:
    rng = random.Random(7)
    today = date.today()
    for sector, names in ORGANISATIONS.items():
        for name in names:
            if name in NOT_IN_DIRECTORY:
                continue
            partner = Partner(network_id=network.id, name=name, sector=sector, district=rng.choice(DISTRICTS),
                              address=f"Beispielweg {rng.randint(1, 80)}, 06{rng.randint(100, 999)} Anhalt-Bitterfeld")
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            partner.contacts.append(PartnerContact(
                name=f"{first} {last}", role=rng.choice(("Leitung", "Kinderschutzfachkraft", "Sozialarbeit")),
                email=f"{_ascii(first)}.{_ascii(last)}@partner.example".lower(), legal_basis=LegalBasis.public_task,
                source="Netzwerktreffen (Demo)", keep_until=today + timedelta(days=730)))
            db.session.add(partner)
    db.session.flush()


def _add_fake_registrations(event: Event, wanted: int, progress: Callable[[int], None] | None) -> None:
    existing = db.session.scalar(select(func.count()).select_from(Registration)
                                 .where(Registration.event_id == event.id)) or 0
    rng = random.Random(f"{event.slug}-{existing}")
    sectors = event.network.sectors
    choice_slots = event.choice_slots
    # Its own generator, so the names and wishes of the demo stay as they were.
    needs_rng = random.Random(f"{event.slug}-needs-{existing}")
    popularity = {item.id: rng.choice((1, 2, 3, 5, 8)) for slot in choice_slots for item in slot.choice_items}
    for number in range(existing, wanted):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        sector = rng.choices(sectors[:len(SECTOR_WEIGHTS)], weights=SECTOR_WEIGHTS)[0]
        confirmed = event.capacity is None or event.seats_taken < event.capacity
        registration = Registration(
            event=event, first_name=first, last_name=last,
            email=f"{_ascii(first)}.{_ascii(last)}.{number + 1}@example.org",
            organisation=rng.choice(ORGANISATIONS.get(sector, ("Einrichtung im Landkreis",))),
            sector=sector, status=RegistrationStatus.confirmed if confirmed else RegistrationStatus.waitlisted,
            created_at=utcnow() - timedelta(minutes=rng.randint(60, 60 * 24 * 14)),
            privacy_consent_at=utcnow(), photo_consent=rng.random() < 0.8,
        )
        _add_needs(needs_rng, registration)
        if confirmed:
            event.seats_taken += 1
        _add_wishes(rng, registration, choice_slots, event.ranks, popularity)
        registration.history.append(RegistrationHistory(
            action="registered", to_status=registration.status.value, actor="demo", note="Demo-Anmeldung"))
        db.session.add(registration)
        if progress:
            progress(1)
    db.session.commit()


def _add_needs(rng: random.Random, registration: Registration) -> None:
    """Diet and access needs for about one in four, with consent, as people write them."""
    if rng.random() >= 0.25:
        return
    registration.needs_consent_at = utcnow()
    registration.diet = rng.choice(DIETS)
    if rng.random() < 0.3:
        registration.access_needs = rng.choice(ACCESS_NEEDS)


def _add_wishes(rng: random.Random, registration: Registration, slots, ranks: int, popularity: dict) -> None:
    """Ranked wishes with skewed popularity; a theme table is not wished twice across rounds."""
    wished_titles: set[str] = set()
    for slot in slots:
        candidates = [item for item in slot.choice_items if item.title not in wished_titles]
        picked = []
        while candidates and len(picked) < ranks:
            item = rng.choices(candidates, weights=[popularity[c.id] for c in candidates])[0]
            candidates.remove(item)
            picked.append(item)
        for rank, item in enumerate(picked, start=1):
            registration.preferences.append(Preference(slot=slot, rank=rank, program_item=item))
            # Theme tables repeat in every round: one wish per topic across the rounds.
            if item.kind == ItemKind.theme_table:
                wished_titles.add(item.title)


def _ascii(name: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ş": "s", "ı": "i", "Ä": "Ae",
                           "Ö": "Oe", "Ü": "Ue"})
    return name.translate(table).lower()
