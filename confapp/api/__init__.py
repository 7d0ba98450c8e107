"""The JSON API under ``/api/v1``, described by ``/api/v1/openapi.json``.

Public reads need nothing; organiser operations need a network's bearer token. Errors are
``application/problem+json`` (RFC 9457) in German or English by ``Accept-Language``.
"""
from flask import Blueprint

from confapp.api.problems import ApiProblem

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ApiProblem, ApiProblem.response)

from confapp.api import views  # noqa: E402,F401  (routes register on bp)
from confapp.api import registration_views  # noqa: E402,F401
from confapp.api import assignment_views  # noqa: E402,F401
from confapp.api import report_views  # noqa: E402,F401
from confapp.api import checkin_views  # noqa: E402,F401
from confapp.api import partner_views  # noqa: E402,F401
