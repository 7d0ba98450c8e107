"""API views for the optimal workshop assignment: a dry run, and applying it (a thin shell over
``services.assignment.workflow``, as ``flask assign`` is)."""
from __future__ import annotations

from flask import jsonify

from confapp.api import bp
from confapp.api.auth import network_event, token_actor, token_required
from confapp.api.payloads import invalid_problem, optional_json_object
from confapp.api.problems import ApiProblem, language
from confapp.api.serializers import assignment_result
from confapp.models import TokenScope
from confapp.services.assignment import notices, workflow as assignment
from confapp.services.assignment.workflow import AssignmentError, AssignmentMode

#: Longest fingerprint accepted (the service's are SHA-256 hex digests).
FINGERPRINT_LIMIT = 128


def _options(body: dict, allowed: tuple[str, ...]) -> tuple[AssignmentMode, str | None, bool]:
    """``mode``, ``fingerprint`` and ``notify`` of a body; anything else is a 422 problem."""
    errors = {str(name)[:100]: "Dieses Feld gibt es nicht." for name in body if name not in allowed}
    mode = body.get("mode", AssignmentMode.reoptimize.value)
    if mode not in [m.value for m in AssignmentMode]:
        errors["mode"] = "Bitte wählen Sie einen der erlaubten Werte."
    fingerprint = body.get("fingerprint")
    if fingerprint is not None and not (isinstance(fingerprint, str) and len(fingerprint) <= FINGERPRINT_LIMIT):
        errors["fingerprint"] = "Bitte geben Sie hier Text an."
    notify = body.get("notify", False)
    if not isinstance(notify, bool):
        errors["notify"] = "Bitte geben Sie hier true oder false an."
    if errors:
        raise invalid_problem(errors)
    return AssignmentMode(mode), fingerprint, notify


def _impossible(error: AssignmentError) -> ApiProblem:
    return ApiProblem(409, "assignment_impossible", detail=str(error) if language() == "de" else None)


@bp.post("/network/events/<slug>/assignment/preview")
@token_required()
def preview_assignment(slug: str):
    """The optimal assignment with its report and the changes against the stored seats; stores nothing."""
    event = network_event(slug)
    mode, _, _ = _options(optional_json_object(), ("mode",))
    try:
        result = assignment.preview(event, mode)
    except AssignmentError as error:
        raise _impossible(error)
    return jsonify(assignment_result(result))


@bp.post("/network/events/<slug>/assignment")
@token_required(TokenScope.write)
def apply_assignment(slug: str):
    """Compute and store the assignment; with ``fingerprint`` only if the input is still that of the preview."""
    event = network_event(slug)
    mode, fingerprint, notify = _options(optional_json_object(), ("mode", "fingerprint", "notify"))
    try:
        result = assignment.preview(event, mode)
        if fingerprint is not None and fingerprint != result.fingerprint:
            raise ApiProblem(409, "assignment_changed")
        applied = assignment.apply(event, result, actor=token_actor())
        notified = notices.notify_assigned(event, actor=token_actor()) if notify else 0
    except AssignmentError as error:
        raise _impossible(error)
    return jsonify({**assignment_result(result), "applied": {
        "created": applied.created, "moved": applied.moved, "removed": applied.removed, "notified": notified}})
