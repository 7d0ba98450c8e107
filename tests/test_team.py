"""The team page: invitations by e-mail, role changes, removal; another network's admin sees nothing."""
import re
import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, DOOR, MAGDEBURG, workshops
from confapp.extensions import db
from confapp.models import AuditEntry, TeamInvitation, ItemLeader, Membership, Network, Role, User, utcnow
from confapp.services.mail import outbox
from confapp.services.networks import accounts, audit, team

TEAM = "/manage/n/anhalt-bitterfeld/team"
NEW = "neu.kollegin@anhalt-bitterfeld.example"
PASSWORD = "ein langer Satz als Passwort"


def invitation_link(app, to: str) -> str:
    """The path of the newest invitation or reset link e-mailed to ``to``."""
    for message in reversed(outbox_messages(app)):
        if message["To"] == to:
            text = message.get_body(preferencelist=("plain",)).get_content()
            return re.search(r"http://confapp\.test(/manage/\S+)", text).group(1)
    raise AssertionError(f"no e-mail to {to}")


def invite(client, email=NEW, role="organiser", **extra):
    return post_form(client, TEAM, {"email": email, "role": role, **extra})


def actions() -> list[str]:
    db.session.commit()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_an_invitation_link_sets_a_password_once_and_the_person_signs_in(app, client, other_client, demo):
    sign_in(client, ANHALT)
    response = invite(client)
    assert response.status_code == 302
    page = client.get(TEAM).get_data(as_text=True)
    assert "Die Einladung an neu.kollegin@anhalt-bitterfeld.example ist unterwegs" in page
    assert "Offene Einladungen" in page and NEW in page

    mail = [m for m in outbox_messages(app) if m["To"] == NEW][0]
    assert "Netzwerk Kinderschutz" in mail["Subject"] or "Einladung" in mail["Subject"]
    link = invitation_link(app, NEW)
    form = other_client.get(link)
    assert form.status_code == 200 and "Willkommen im Team" in form.get_data(as_text=True)
    too_short = post_form(other_client, link, {"name": "Nele Neu", "new": "kurz", "repeat": "kurz"})
    assert too_short.status_code == 422 and "12 bis 200 Zeichen" in too_short.get_data(as_text=True)
    accepted = post_form(other_client, link, {"name": "Nele Neu", "new": PASSWORD, "repeat": PASSWORD})
    assert accepted.status_code == 302 and "/manage/anmelden?email=" in accepted.headers["Location"]

    again = other_client.get(link)
    assert again.status_code == 410 and "Diese Einladung gilt nicht mehr" in again.get_data(as_text=True)
    sign_in(other_client, NEW, PASSWORD)
    assert "Stark für Familien" in other_client.get("/manage/").get_data(as_text=True)

    page = client.get(TEAM).get_data(as_text=True)
    assert "Nele Neu" in page and "Offene Einladungen" not in page and "noch nie" in page  # the door account
    assert actions() == ["team.invited", "team.joined"]


def test_a_used_invitation_cannot_be_posted_again(app, client, other_client, demo):
    sign_in(client, ANHALT)
    invite(client)
    link = invitation_link(app, NEW)
    token = csrf_token(other_client.get(link).get_data(as_text=True))
    first = other_client.post(link, data={"csrf_token": token, "new": PASSWORD, "repeat": PASSWORD})
    second = other_client.post(link, data={"csrf_token": token, "new": "ein anderes Passwort!", "repeat": "ein anderes Passwort!"})
    assert first.status_code == 302 and second.status_code == 410
    sign_in(other_client, NEW, PASSWORD)


def test_an_expired_invitation_says_so(app, client, other_client, demo):
    sign_in(client, ANHALT)
    invite(client)
    link = invitation_link(app, NEW)
    invitation = db.session.scalar(select(TeamInvitation))
    invitation.created_at -= team.INVITATION_VALIDITY + timedelta(minutes=1)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = other_client.get(link)
    assert response.status_code == 410 and "7 Tage gültig" in response.get_data(as_text=True)
    assert accounts.by_email(NEW) is None


def test_inviting_again_replaces_the_earlier_link(app, client, other_client, demo):
    sign_in(client, ANHALT)
    invite(client)
    first = invitation_link(app, NEW)
    invite(client, role="checkin")
    second = invitation_link(app, NEW)
    assert first != second
    assert other_client.get(first).status_code == 410
    assert "als Einlass" in other_client.get(second).get_data(as_text=True)


def test_a_workshop_leader_is_invited_with_their_workshops(app, client, other_client, demo):
    own = workshops()[0]
    sign_in(client, ANHALT)
    invite(client, role="workshop_leader", item_ids=str(own.id))
    assert own.title in [m for m in outbox_messages(app) if m["To"] == NEW][0].get_body(
        preferencelist=("plain",)).get_content()
    link = invitation_link(app, NEW)
    post_form(other_client, link, {"new": PASSWORD, "repeat": PASSWORD})
    sign_in(other_client, NEW, PASSWORD)
    assert own.title in other_client.get("/manage/").get_data(as_text=True)
    assert "leitet:" in client.get(TEAM).get_data(as_text=True)

    # Another role: the workshops go, so the list is no longer theirs.
    user = accounts.by_email(NEW)
    post_form(client, f"{TEAM}/{user.id}/rolle", {"role": "checkin"}, page_url=TEAM)
    assert db.session.scalar(select(func.count()).select_from(ItemLeader)) == 0


def test_an_existing_account_gains_the_role_at_once(app, client, demo):
    sign_in(client, "organisation@magdeburg.example")
    post_form(client, "/manage/n/magdeburg/team", {"email": DOOR, "role": "organiser"})
    page = client.get("/manage/n/magdeburg/team").get_data(as_text=True)
    assert "hatte schon ein Konto" in page
    assert db.session.scalar(select(func.count()).select_from(TeamInvitation)) == 0
    mail = [m for m in outbox_messages(app) if m["To"] == DOOR][0]
    assert "Sie gehören jetzt zum Team" in mail["Subject"]
    roles = {m.network.slug: m.role for m in accounts.by_email(DOOR).memberships}
    assert roles == {"anhalt-bitterfeld": Role.checkin, "magdeburg": Role.organiser}


@pytest.mark.parametrize("data, message", [
    ({"email": "keine-adresse", "role": "organiser"}, "gültige E-Mail-Adresse"),
    ({"email": NEW, "role": "chef"}, "Not a valid choice"),
    ({"email": NEW, "role": "workshop_leader", "item_ids": "999999"}, "Not a valid choice"),
    ({"email": DOOR, "role": "organiser"}, "gehört schon zum Team"),
    ({"email": "x" * 250 + "@example.org", "role": "organiser"}, "Höchstens 254 Zeichen"),
])
def test_bad_invitations_get_a_clear_error_and_change_nothing(app, client, demo, data, message):
    sign_in(client, ANHALT)
    response = invite(client, **data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Bitte prüfen Sie Ihre Angaben" in html
    if message != "Not a valid choice":  # WTForms' own wording for a forged choice
        assert message in html
    assert db.session.scalar(select(func.count()).select_from(TeamInvitation)) == 0
    assert outbox_messages(app) == []


def test_a_removed_organiser_is_signed_out_on_the_next_request(app, client, other_client, demo):
    user = accounts.grant_role("orga2@anhalt-bitterfeld.example", "anhalt-bitterfeld", "organiser",
                               password=PASSWORD).user
    sign_in(other_client, user.email, PASSWORD)
    assert other_client.get("/manage/e/stark-fuer-familien/").status_code == 200
    sign_in(client, ANHALT)
    response = post_form(client, f"{TEAM}/{user.id}/entfernen", {}, page_url=TEAM)
    assert response.status_code == 302
    assert "gehört nicht mehr zum Team" in client.get(TEAM).get_data(as_text=True)

    refused = other_client.get("/manage/e/stark-fuer-familien/")
    assert refused.status_code == 302 and "/manage/anmelden" in refused.headers["Location"]
    assert accounts.by_email(user.email).memberships == []
    assert "team.removed" in actions()


def test_a_role_change_ends_the_persons_sessions(app, client, other_client, demo):
    sign_in(other_client, DOOR)
    sign_in(client, ANHALT)
    door = accounts.by_email(DOOR)
    post_form(client, f"{TEAM}/{door.id}/rolle", {"role": "organiser"}, page_url=TEAM)
    assert other_client.get("/manage/").status_code == 302
    sign_in(other_client, DOOR)
    assert other_client.get("/manage/e/stark-fuer-familien/").status_code == 200


def test_the_last_admin_can_neither_be_removed_nor_demoted(app, client, demo):
    sign_in(client, ANHALT)
    admin = accounts.by_email(ANHALT)
    removed = post_form(client, f"{TEAM}/{admin.id}/entfernen", {}, page_url=TEAM)
    assert "kann nicht entfernt werden" in client.get(removed.headers["Location"]).get_data(as_text=True)
    post_form(client, f"{TEAM}/{admin.id}/rolle", {"role": "organiser"}, page_url=TEAM)
    assert "behält diese Rolle" in client.get(TEAM).get_data(as_text=True)
    assert db.session.scalar(select(Membership.role).where(Membership.user_id == admin.id)) == Role.admin
    assert actions() == []


def test_with_a_second_admin_an_admin_may_step_down(app, client, demo):
    network = db.session.scalar(select(Network).where(Network.slug == "anhalt-bitterfeld"))
    admin = accounts.by_email(ANHALT)
    team.change_role(network, accounts.by_email(DOOR).id, Role.admin, admin)
    team.change_role(network, admin.id, Role.organiser, admin)
    assert db.session.scalar(select(Membership.role).where(Membership.user_id == admin.id)) == Role.organiser


def test_an_invitation_can_be_withdrawn(app, client, other_client, demo):
    sign_in(client, ANHALT)
    invite(client)
    link = invitation_link(app, NEW)
    invitation = db.session.scalar(select(TeamInvitation))
    post_form(client, f"{TEAM}/einladungen/{invitation.id}/zurueckziehen", {}, page_url=TEAM)
    assert "ist zurückgezogen" in client.get(TEAM).get_data(as_text=True)
    assert other_client.get(link).status_code == 410


def test_another_networks_admin_can_neither_see_nor_change_this_team(app, client, other_client, demo):
    sign_in(client, ANHALT)
    invite(client)
    invitation = db.session.scalar(select(TeamInvitation))
    door = accounts.by_email(DOOR)
    sign_in(other_client, MAGDEBURG)
    token = csrf_token(other_client.get("/manage/").get_data(as_text=True))
    assert other_client.get(TEAM).status_code == 404
    for url, data in ((TEAM, {"email": "spion@example.org", "role": "admin"}),
                      (f"{TEAM}/{door.id}/rolle", {"role": "admin"}),
                      (f"{TEAM}/{door.id}/entfernen", {}),
                      (f"{TEAM}/einladungen/{invitation.id}/zurueckziehen", {}),
                      (f"{TEAM}/zwei-faktor", {"required": "y"})):
        assert other_client.post(url, data={"csrf_token": token, **data}).status_code == 404, url
    # Their own team page does not reach this network's people either.
    own = other_client.get("/manage/n/magdeburg/team").get_data(as_text=True)
    assert DOOR not in own and NEW not in own
    assert other_client.post(f"/manage/n/magdeburg/team/{door.id}/entfernen",
                             data={"csrf_token": token}).status_code == 404
    assert {m.role for m in accounts.by_email(DOOR).memberships} == {Role.checkin}
    assert db.session.scalar(select(func.count()).select_from(TeamInvitation)) == 1
    assert not db.session.scalar(select(Network.require_second_factor).where(Network.slug == "anhalt-bitterfeld"))


def test_only_admins_open_the_team_page(app, client, demo):
    sign_in(client, DOOR)
    assert client.get(TEAM).status_code == 404


def test_a_server_command_can_invite_through_the_service(app, app_context, demo):
    network = db.session.scalar(select(Network).where(Network.slug == "anhalt-bitterfeld"))
    result = team.invite(network, "Erste.Admin@Example.org", "admin", invited_by=None)
    assert result.invitation is not None and result.invitation.email == "erste.admin@example.org"
    entry = db.session.scalar(select(AuditEntry))
    assert entry.actor == audit.SERVER_ACTOR and entry.action == "team.invited"
    outbox.deliver_pending()  # a command's e-mails go out with the worker
    assert invitation_link(app, "erste.admin@example.org").startswith("/manage/einladung/")


def test_two_admins_removing_each_other_at_once_leave_one_admin(app, app_context, demo):
    network_id = db.session.scalar(select(Network.id).where(Network.slug == "anhalt-bitterfeld"))
    first, second = accounts.by_email(ANHALT), accounts.by_email(DOOR)
    team.change_role(db.session.get(Network, network_id), second.id, Role.admin, first)
    pairs = [(first.id, second.id), (second.id, first.id)]
    start, outcomes = threading.Barrier(2), []

    def remove(actor_id: int, target_id: int) -> None:
        with app.app_context():
            network, actor = db.session.get(Network, network_id), db.session.get(User, actor_id)
            start.wait()
            try:
                outcomes.append(team.remove_member(network, target_id, actor) is not None)
            except team.TeamError:
                outcomes.append(False)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=remove, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.commit()
    assert sorted(outcomes) == [False, True]
    assert db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.network_id == network_id, Membership.role == Role.admin)) == 1


def test_network_create_can_invite_its_first_admin_instead_of_asking_a_password(app, cli, client, app_context):
    result = cli.invoke(args=["network", "create", "landkreis-wittenberg", "--name", "Netzwerk Kinderschutz Wittenberg",
                              "--admin", "Koordination@Wittenberg.example", "--invite"])
    assert result.exit_code == 0, result.output
    assert "Die Einladung als Administration ist an koordination@wittenberg.example unterwegs" in result.output
    outbox.deliver_pending()
    link = invitation_link(app, "koordination@wittenberg.example")
    accepted = post_form(client, link, {"name": "Kim Koordination", "new": PASSWORD, "repeat": PASSWORD})
    assert accepted.status_code == 302
    sign_in(client, "koordination@wittenberg.example", PASSWORD)
    assert client.get("/manage/n/landkreis-wittenberg/einstellungen").status_code == 200


def test_team_times_are_german_local_time_in_the_page_and_the_invitation(app, client, demo):
    sign_in(client, ANHALT)
    invite(client)
    invitation = db.session.scalar(select(TeamInvitation))
    local = invitation.expires_at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Europe/Berlin"))
    text = [m for m in outbox_messages(app) if m["To"] == NEW][0].get_body(preferencelist=("plain",)).get_content()
    assert f"Der Link gilt bis {local:%d.%m.%Y, %H:%M} und nur einmal" in text

    # Stored as naive UTC: 10:00 UTC in summer is 12:00 in Germany, 08:05 UTC in winter is 09:05.
    invitation.expires_at = datetime(2030, 7, 1, 10, 0)
    accounts.by_email(DOOR).last_sign_in_at = datetime(2026, 1, 15, 8, 5)
    db.session.commit()
    page = client.get(TEAM).get_data(as_text=True)
    assert "gilt bis 01.07.2030, 12:00" in page
    assert "<td>15.01.2026, 09:05</td>" in page
