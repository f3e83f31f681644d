"""
The API's exception handlers: every error an endpoint raises, answered as an
RFC 9457 problem (api.problems), never the shop's HTML pages, never a stack
trace.

    400  invalid_fields, with errors: [{"loc", "msg", "type"}]   a field is wrong
    400  malformed_body; 415 unsupported_media_type              the body is not JSON
    401  not_authenticated, invalid_token; WWW-Authenticate        no token, or not a live one
    401  insufficient_user_authentication; WWW-Authenticate       a password too old for this (api.rfc9470)
    404  not_found; 409 (sold_out, over_line_cap, empty, ...)     a service refused (ValidationError)
    422  idempotency_key_reused                                   an Idempotency-Key sent with another request
    429  rate_limited; Retry-After                                too many requests (api.ratelimits)
    503  unavailable; Retry-After                                 Redis or the database does not answer

Errors made outside these handlers (ninja's 405, Django's own 400 and 500)
are made problems by api.middleware; the token endpoints' OAuth errors
(RFC 6749 §5.2) are their own.
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django_ratelimit.exceptions import Ratelimited
from ninja.errors import AuthenticationError, HttpError, ValidationError
from redis.exceptions import RedisClusterException, RedisError

from session_state import api_logins

from . import problems
from .parsing import NotJson
from .rfc9470 import InsufficientUserAuthentication
from .security import InvalidToken

logger = logging.getLogger(__name__)

# A service's ValidationError whose code the shop does not document (in
# api.problems.KINDS) says the cart or the stock is in the way.
_UNDOCUMENTED_REFUSAL = 409


def oauth_errors(view):
    """
    Mark an operation whose errors are RFC 6749 §5.2's, {"error",
    "error_description"} (the OAuth endpoints'), so that those made outside
    it (the rate limit's 429) are too, and a client library reads them.
    """
    view.oauth_errors = True
    return view


def install(api) -> None:
    """Answer every error of `api` (a NinjaAPI) as a problem."""

    @api.exception_handler(ValidationError)
    def invalid_fields(request, error):
        # ninja's list, without pydantic's `ctx` and `url` (RFC 9457 §3.2:
        # extensions a client can rely on); the input is never echoed back.
        errors = [
            {
                "loc": list(each.get("loc", ())),
                "msg": str(each.get("msg", "")),
                "type": str(each.get("type", "")),
            }
            for each in error.errors
        ]
        return problems.response("invalid_fields", _fields_sentence(errors), errors=errors)

    @api.exception_handler(DjangoValidationError)
    def refused_by_the_shop(request, error):
        code = _code_of(error)
        kind = problems.KINDS.get(code)
        status = kind.status if kind else _UNDOCUMENTED_REFUSAL
        return problems.response(code, " ".join(error.messages), status=status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, error):
        # RFC 6750 §3: no error code for a request that sent no token.
        if isinstance(error, InvalidToken):
            return problems.response(
                "invalid_token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        return problems.response("not_authenticated", headers={"WWW-Authenticate": "Bearer"})

    @api.exception_handler(HttpError)
    def http_error(request, error):
        if isinstance(error.__cause__, NotJson):
            return problems.response("unsupported_media_type")
        if error.__cause__ is not None:  # the parser's: ninja's "Cannot parse request body"
            return problems.response("malformed_body")
        return problems.response(
            problems.code_of_status(error.status_code), str(error), status=error.status_code
        )

    @api.exception_handler(Http404)
    def not_found(request, error):
        return problems.response("not_found")

    @api.exception_handler(InsufficientUserAuthentication)
    def password_too_old(request, error):
        # RFC 9470 §3: the challenge, with how recent a password must be.
        return problems.response(
            "insufficient_user_authentication",
            f"This needs your password typed within the last {error.max_age} seconds: sign in again.",
            headers={"WWW-Authenticate": error.challenge},
        )

    @api.exception_handler(Ratelimited)
    def too_many_requests(request, error):
        retry_after = getattr(error, "retry_after", 60)  # api.ratelimits' says; a bare Ratelimited, a window
        headers = {"Retry-After": str(retry_after)}
        detail = f"Too many requests. Please wait {retry_after} s and try again."
        if getattr(error, "oauth", False):
            # §5.2 has no error of its own for this; invalid_request is its
            # catch-all. No-store, no-cache: §5.1, as every answer of the endpoint.
            response = api.create_response(
                request, {"error": "invalid_request", "error_description": detail}, status=429
            )
            for name, value in {**headers, "Cache-Control": "no-store", "Pragma": "no-cache"}.items():
                response[name] = value
            return response
        return problems.response("rate_limited", detail, headers=headers)

    @api.exception_handler(api_logins.RevocationsUnknown)
    def revocations_unknown(request, error):
        return unavailable(request, "revocations", error)

    @api.exception_handler(RedisError)
    @api.exception_handler(RedisClusterException)  # on a cluster, not a RedisError (ops.redis_cluster)
    def redis_down(request, error):
        return unavailable(request, "redis", error)

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_down(request, error):
        return unavailable(request, "database", error)

    @api.exception_handler(Exception)
    def unexpected(request, error):
        logger.exception("API error on %s %s", request.method, request.path)
        return problems.response("server_error")

    def unavailable(request, service: str, error):
        logger.warning(
            "API 503 for %s %s: %s (%s: %s)",
            request.method,
            request.path,
            service,
            type(error).__name__,
            error,
        )
        return problems.response("unavailable", headers={"Retry-After": "5"})


def _code_of(error: DjangoValidationError) -> str:
    """The error's code; for a list of errors, their one code (a list of messages keeps none of its own)."""
    code = getattr(error, "code", None)
    if code is None:
        codes = {getattr(each, "code", None) for each in getattr(error, "error_list", ())}
        code = codes.pop() if len(codes) == 1 else None
    return code or "invalid"


def _fields_sentence(errors: list[dict]) -> str:
    """detail, a sentence (RFC 9457 §3.1.4): the fields that are wrong, by name; errors says where and how."""
    names = list(dict.fromkeys(str(each["loc"][-1]) for each in errors if each["loc"]))
    if not names:
        return problems.KINDS["invalid_fields"].detail
    return (
        f"{'This field is' if len(names) == 1 else 'These fields are'} missing or wrong: {', '.join(names)}."
    )
