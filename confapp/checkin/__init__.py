"""Door staff: badge links (``/c/<token>``), the scanner, search, live counts, workshop attendance."""
from flask import Blueprint

bp = Blueprint("checkin", __name__)

from confapp.checkin import attendance_views, views, walkin_views  # noqa: E402,F401  (routes register on bp)
