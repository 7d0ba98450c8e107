"""The JSON API under ``/api/v1``, described by ``/api/v1/openapi.json``.

Public reads need nothing; organiser operations need a network's bearer token. Errors are
``application/problem+json`` (RFC 9457) in German or English by ``Accept-Language``.
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from confapp.api import views  # noqa: E402,F401  (routes register on bp)
