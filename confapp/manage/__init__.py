"""The back office for organisers under ``/manage``: sign-in, events, registrations."""
from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from confapp.manage import auth_views, document_views, token_views, views  # noqa: E402,F401  (routes register on bp)
from confapp.manage import audit_views  # noqa: E402,F401
from confapp.manage import event_views  # noqa: E402,F401
from confapp.manage import program_views  # noqa: E402,F401
from confapp.manage import export_views  # noqa: E402,F401
from confapp.manage import registration_views  # noqa: E402,F401
from confapp.manage import message_views  # noqa: E402,F401
from confapp.manage import stats_views  # noqa: E402,F401
from confapp.manage import privacy_views  # noqa: E402,F401
from confapp.manage import partner_views  # noqa: E402,F401
from confapp.manage import assignment_views, assignment_run_views  # noqa: E402,F401
from confapp.manage import network_views  # noqa: E402,F401
from confapp.manage import legal_views  # noqa: E402,F401
from confapp.manage import outbox_views  # noqa: E402,F401
from confapp.manage import feedback_views  # noqa: E402,F401
from confapp.manage import team_views, recovery_views, second_factor_views  # noqa: E402,F401
