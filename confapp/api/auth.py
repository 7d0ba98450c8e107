"""Bearer-token authentication for organiser operations of the API."""
from __future__ import annotations

from functools import wraps

from flask import g, request

from confapp.api.problems import problem
from confapp.models import TokenScope
from confapp.services import api_tokens


def token_required(scope: TokenScope = TokenScope.read):
    """Require a live token; ``write`` operations need a write token. Sets ``g.api_token``."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            secret = header[7:].strip() if header[:7].lower() == "bearer " else None
            token = api_tokens.authenticate(secret)
            if token is None:
                response = problem(401, "token_missing")
                response.headers["WWW-Authenticate"] = 'Bearer realm="confapp"'
                return response
            if scope == TokenScope.write and token.scope != TokenScope.write:
                return problem(403, "token_scope")
            g.api_token = token
            return view(*args, **kwargs)

        return wrapper

    return decorator
