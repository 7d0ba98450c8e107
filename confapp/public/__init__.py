"""Public pages for attendees: the event list and event pages under ``/e/<slug>``."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from confapp.public import views  # noqa: E402,F401  (routes register on bp)
from confapp.public import registration_views  # noqa: E402,F401
from confapp.public import privacy_views  # noqa: E402,F401
from confapp.public import feedback_views  # noqa: E402,F401
