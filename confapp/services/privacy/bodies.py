"""The enforcement bodies (Durchsetzungs- or Schlichtungsstellen) named in an accessibility statement.

A public body's accessibility statement must say where people can turn when the body does not
answer a reported barrier well (§ 12b BGG and the Länder's equivalents). Which body that is
depends on the Land whose law applies to the network's responsible body: a county's Jugendamt
falls under its Land, a federal office under the Bund. The names below are the bodies'
descriptive names; the overview kept by the Länder lists their current contact details.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EnforcementBody:
    land: str
    #: The body, as a complete noun phrase ("die Schlichtungsstelle … bei …").
    name: str
    url: str = ""


#: Where the Länder keep their list of enforcement bodies with addresses (the Hessian competence centre).
LAENDER_OVERVIEW = "https://lbit.hessen.de/buergerinnen-und-buerger/durchsetzungsstellen-der-laender"

ENFORCEMENT_BODIES: dict[str, EnforcementBody] = {
    "bund": EnforcementBody("Bund", "die Schlichtungsstelle nach § 16 des Behindertengleichstellungsgesetzes (BGG) "
                                    "bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit "
                                    "Behinderungen", "https://www.schlichtungsstelle-bgg.de"),
    "bw": EnforcementBody("Baden-Württemberg", "die Ombudsstelle für barrierefreie Informationstechnik bei der "
                                               "Landes-Behindertenbeauftragten Baden-Württemberg"),
    "by": EnforcementBody("Bayern", "die Durchsetzungsstelle für barrierefreie Informationstechnik des Freistaats "
                                    "Bayern nach dem Bayerischen Behindertengleichstellungsgesetz"),
    "be": EnforcementBody("Berlin", "die Schlichtungsstelle nach dem Landesgleichberechtigungsgesetz bei der oder "
                                    "dem Landesbeauftragten für Menschen mit Behinderungen Berlin"),
    "bb": EnforcementBody("Brandenburg", "die Schlichtungsstelle nach dem Brandenburgischen "
                                         "Behindertengleichstellungsgesetz bei der oder dem Landesbeauftragten für "
                                         "die Belange der Menschen mit Behinderungen"),
    "hb": EnforcementBody("Bremen", "die Schlichtungsstelle nach dem Bremischen Behindertengleichstellungsgesetz "
                                    "bei der oder dem Landesbehindertenbeauftragten"),
    "hh": EnforcementBody("Hamburg", "die Schlichtungsstelle nach dem Hamburgischen "
                                     "Behindertengleichstellungsgesetz bei der Senatskoordinatorin oder dem "
                                     "Senatskoordinator für die Gleichstellung behinderter Menschen"),
    "he": EnforcementBody("Hessen", "die Durchsetzungs- und Überwachungsstelle barrierefreie Informationstechnik "
                                    "des Landes Hessen"),
    "mv": EnforcementBody("Mecklenburg-Vorpommern", "die Schlichtungsstelle nach dem Landesbehindertengleich"
                                                    "stellungsgesetz Mecklenburg-Vorpommern"),
    "ni": EnforcementBody("Niedersachsen", "die Schlichtungsstelle nach dem Niedersächsischen "
                                           "Behindertengleichstellungsgesetz bei der oder dem Landesbeauftragten "
                                           "für Menschen mit Behinderungen"),
    "nw": EnforcementBody("Nordrhein-Westfalen", "die Ombudsstelle für barrierefreie Informationstechnik des "
                                                 "Landes Nordrhein-Westfalen bei der oder dem Beauftragten der "
                                                 "Landesregierung für Menschen mit Behinderungen"),
    "rp": EnforcementBody("Rheinland-Pfalz", "die Schlichtungsstelle nach dem Landesinklusionsgesetz bei der "
                                             "oder dem Landesbeauftragten für die Belange behinderter Menschen "
                                             "Rheinland-Pfalz"),
    "sl": EnforcementBody("Saarland", "die Schlichtungsstelle nach dem Saarländischen "
                                      "Behindertengleichstellungsgesetz bei der oder dem Landesbeauftragten für "
                                      "die Belange von Menschen mit Behinderungen"),
    "sn": EnforcementBody("Sachsen", "die Durchsetzungsstelle nach dem Sächsischen Inklusionsgesetz bei der oder "
                                     "dem Beauftragten der Sächsischen Staatsregierung für die Belange von "
                                     "Menschen mit Behinderungen"),
    "st": EnforcementBody("Sachsen-Anhalt", "die Schlichtungsstelle nach dem Behindertengleichstellungsgesetz "
                                            "Sachsen-Anhalt bei der oder dem Beauftragten der Landesregierung für "
                                            "die Belange von Menschen mit Behinderungen"),
    "sh": EnforcementBody("Schleswig-Holstein", "die Beschwerdestelle für barrierefreie Informationstechnik bei "
                                                "der oder dem Landesbeauftragten für Menschen mit Behinderung "
                                                "Schleswig-Holstein"),
    "th": EnforcementBody("Thüringen", "die Schlichtungsstelle nach dem Thüringer Gesetz zur Inklusion und "
                                       "Gleichstellung von Menschen mit Behinderungen bei der oder dem "
                                       "Beauftragten für Menschen mit Behinderungen"),
}


def enforcement_body(key: str) -> EnforcementBody | None:
    return ENFORCEMENT_BODIES.get(key or "")


def choices() -> list[tuple[str, str]]:
    """(key, label) for a select: the Länder alphabetically, the Bund first."""
    laender = sorted((key for key in ENFORCEMENT_BODIES if key != "bund"), key=lambda k: ENFORCEMENT_BODIES[k].land)
    return [(key, ENFORCEMENT_BODIES[key].land) for key in ["bund", *laender]]
