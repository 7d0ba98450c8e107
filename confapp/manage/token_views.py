"""API tokens of a network, for its admins: create (secret shown once), see last use, revoke."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.manage.forms import ApiTokenForm
from confapp.models import Role, TokenScope
from confapp.services.networks import access
from confapp.services.networks import api_tokens

ADMINS = frozenset({Role.admin})


@bp.route("/n/<network_slug>/api-tokens", methods=["GET", "POST"])
@login_required
def api_tokens_page(network_slug: str):
    network = access.network_or_404(current_user, network_slug, ADMINS)
    form = ApiTokenForm()
    new_secret = None
    if form.validate_on_submit():
        try:
            _token, new_secret = api_tokens.create_token(network, form.name.data, TokenScope(form.scope.data),
                                                         actor=current_user)
        except ValueError as error:
            form.name.errors.append(str(error))
        else:
            form = ApiTokenForm(formdata=None)
    # The secret is rendered into this response only: it is never stored nor put in the session.
    return render_template("manage/api_tokens.html", network=network, form=form, new_secret=new_secret,
                           tokens=api_tokens.tokens_of(network))


@bp.post("/n/<network_slug>/api-tokens/<int:token_id>/widerrufen")
@login_required
def revoke_api_token(network_slug: str, token_id: int):
    network = access.network_or_404(current_user, network_slug, ADMINS)
    token = api_tokens.revoke_token(network, token_id, actor=current_user)
    if token is None:
        abort(404)
    flash(_("Der Token „%(name)s“ ist widerrufen und gilt ab sofort nicht mehr.", name=token.name), "success")
    return redirect(url_for("manage.api_tokens_page", network_slug=network.slug))
