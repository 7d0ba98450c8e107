"""The team of a network, for its admins: invite, change roles, remove; and the invitee's link."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from confapp.errors import render_error
from confapp.extensions import limiter
from confapp.labels import role_label
from confapp.manage import bp
from confapp.manage.forms import AcceptInvitationForm
from confapp.manage.team_forms import InviteForm, RoleForm, SecondFactorRuleForm
from confapp.models import Network, Role
from confapp.services.networks import access, second_factor, team
from confapp.services.networks.accounts import AccountError
from confapp.services.networks.team import TeamError


def _admin_network(network_slug: str) -> Network:
    return access.network_or_404(current_user, network_slug, access.ADMINS)


def _team_page(network: Network, invite_form: InviteForm | None = None, status: int = 200):
    invite_form = invite_form or InviteForm(formdata=None)
    invite_form.item_ids.choices = _workshop_choices(network)
    return render_template(
        "manage/team.html", network=network, members=team.members(network),
        invitations=team.open_invitations(network), invite_form=invite_form, roles=list(Role),
        rule_form=SecondFactorRuleForm(formdata=None, required=network.require_second_factor)), status


def _workshop_choices(network: Network) -> list[SelectChoice]:
    return [SelectChoice(item.id, f"{item.title} ({item.slot.event.title})") for item in team.workshops_of(network)]


@bp.route("/n/<network_slug>/team", methods=["GET", "POST"])
@login_required
def team_page(network_slug: str):
    network = _admin_network(network_slug)
    form = InviteForm()
    form.item_ids.choices = _workshop_choices(network)
    if not form.validate_on_submit():
        return _team_page(network, form if form.is_submitted() else None, 422 if form.errors else 200)
    try:
        result = team.invite(network, form.email.data, form.role.data, current_user, form.item_ids.data or [])
    except TeamError as error:
        form.email.errors.append(str(error))
        return _team_page(network, form, 422)
    if result.invitation is None:
        flash(_("%(email)s hatte schon ein Konto und hat jetzt Zugang zu diesem Netzwerk; eine E-Mail sagt es "
                "ihr oder ihm.", email=result.user.email), "success")
    else:
        flash(_("Die Einladung an %(email)s ist unterwegs. Der Link darin gilt 7 Tage und nur einmal.",
                email=result.invitation.email), "success")
    return redirect(url_for("manage.team_page", network_slug=network.slug))


@bp.post("/n/<network_slug>/team/<int:user_id>/rolle")
@login_required
def change_member_role(network_slug: str, user_id: int):
    network = _admin_network(network_slug)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie eine der angebotenen Rollen."), "error")
        return redirect(url_for("manage.team_page", network_slug=network.slug))
    try:
        membership = team.change_role(network, user_id, form.role.data, current_user)
    except TeamError as error:
        flash(str(error), "error")
        return redirect(url_for("manage.team_page", network_slug=network.slug))
    if membership is None:
        abort(404)
    flash(_("%(email)s hat jetzt die Rolle %(role)s; ihre oder seine offenen Sitzungen sind beendet.",
            email=membership.user.email, role=role_label(membership.role)), "success")
    return redirect(url_for("manage.team_page", network_slug=network.slug))


@bp.post("/n/<network_slug>/team/<int:user_id>/entfernen")
@login_required
def remove_member(network_slug: str, user_id: int):
    network = _admin_network(network_slug)
    try:
        user = team.remove_member(network, user_id, current_user)
    except TeamError as error:
        flash(str(error), "error")
        return redirect(url_for("manage.team_page", network_slug=network.slug))
    if user is None:
        abort(404)
    flash(_("%(email)s gehört nicht mehr zum Team und ist abgemeldet.", email=user.email), "success")
    return redirect(url_for("manage.team_page", network_slug=network.slug))


@bp.post("/n/<network_slug>/team/einladungen/<int:invitation_id>/zurueckziehen")
@login_required
def withdraw_invitation(network_slug: str, invitation_id: int):
    network = _admin_network(network_slug)
    invitation = team.withdraw_invitation(network, invitation_id, current_user)
    if invitation is None:
        abort(404)
    flash(_("Die Einladung an %(email)s ist zurückgezogen; ihr Link gilt nicht mehr.", email=invitation.email),
          "success")
    return redirect(url_for("manage.team_page", network_slug=network.slug))


@bp.post("/n/<network_slug>/team/zwei-faktor")
@login_required
def second_factor_rule(network_slug: str):
    network = _admin_network(network_slug)
    form = SecondFactorRuleForm()
    if form.validate_on_submit():
        second_factor.set_required(network, bool(form.required.data), current_user)
        flash(_("Gespeichert: Alle in diesem Netzwerk richten bei ihrer nächsten Anmeldung den zweiten Faktor ein.")
              if form.required.data else _("Gespeichert: Der zweite Faktor ist in diesem Netzwerk freiwillig."),
              "success")
    return redirect(url_for("manage.team_page", network_slug=network.slug))


@bp.route("/einladung/<secret>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def accept_invitation(secret: str):
    invitation = team.invitation_for(secret)
    if invitation is None:
        return render_error(410, _("Diese Einladung gilt nicht mehr: Sie war 7 Tage gültig und funktioniert nur "
                                   "einmal. Bitten Sie die Administration Ihres Netzwerks um eine neue."))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = team.accept_invitation(secret, form.new.data, form.name.data or "")
        except (TeamError, AccountError) as error:
            form.new.errors.append(str(error))
        else:
            flash(_("Willkommen im Team von %(network)s. Bitte melden Sie sich mit Ihrem neuen Passwort an.",
                    network=invitation.network.name), "success")
            return redirect(url_for("manage.login", email=user.email))
    return render_template("manage/team_invitation.html", invitation=invitation, form=form,
                           role=team.role_label(invitation.role)), (422 if form.errors else 200)
