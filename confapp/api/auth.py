"""Bearer-token authentication for organiser operations of the API."""
from __future__ import annotations

from functools import wraps

from flask import g, request

from confapp.api.problems import ApiProblem, problem
from confapp.models import Event, TokenScope
from confapp.services.networks import api_tokens
from confapp.services.events import lookup as events


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


def token_actor() -> str:
    """Who the history names for a change made with the current token."""
    return f"API-Token {g.api_token.name} ({g.api_token.prefix}…)"


def network_event(slug: str) -> Event:
    """The token's network's event with this slug; another network's event is a 404."""
    event = events.event_of_network(g.api_token.network, slug)
    if event is None:
        raise ApiProblem(404, "not_found")
    return event
