"""
Every answer of the API is JSON, errors included: never the shop's HTML
pages, never a stack trace. The shapes:

    400  {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}   a field is wrong
    400  {"detail": "..."}                                          the body is not JSON
    401  {"detail": "..."} and WWW-Authenticate: Bearer ...          no token, or not a live one
    404, 409, 415, 422  {"detail": "...", "code": "..."}             422: an Idempotency-Key sent with another request
    503  {"detail": "...", "code": "unavailable"} and Retry-After    Redis or the database does not answer
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError
from redis.exceptions import RedisClusterException, RedisError

from session_state import api_logins

from .parsing import NotJson
from .security import InvalidToken

logger = logging.getLogger(__name__)

_NO_TOKEN = "Send an access token: Authorization: Bearer <access token> (from auth/token)."

# ValidationError codes of the shop's services that are the request's
# fault (400), or its key's (422); the rest say the cart or the stock is in
# the way (409).
BAD_REQUEST_CODES = {"quantity_out_of_range", "missing_shipping"}
# The request is well formed, but its Idempotency-Key is bound to another
# request (draft-ietf-httpapi-idempotency-key-header, "Error Scenarios").
UNPROCESSABLE_CODES = {"idempotency_key_reused"}


def install(api) -> None:
    """Answer every error of `api` (a NinjaAPI) in JSON."""

    def answer(request, status: int, detail, code: str | None = None, headers: dict | None = None):
        response = api.create_response(
            request, {"detail": detail, **({"code": code} if code else {})}, status=status
        )
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(ValidationError)
    def invalid_fields(request, error):
        return answer(request, 400, error.errors)

    @api.exception_handler(DjangoValidationError)
    def refused_by_the_shop(request, error):
        code = getattr(error, "code", None) or "invalid"
        status = 400 if code in BAD_REQUEST_CODES else 422 if code in UNPROCESSABLE_CODES else 409
        return answer(request, status, " ".join(error.messages), code)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, error):
        # RFC 6750 §3: no error code for a request that sent no token.
        if isinstance(error, InvalidToken):
            return answer(
                request, 401, str(error), headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        return answer(request, 401, _NO_TOKEN, headers={"WWW-Authenticate": "Bearer"})

    @api.exception_handler(HttpError)
    def http_error(request, error):
        if isinstance(error.__cause__, NotJson):
            return answer(request, 415, "Send the body as JSON, with Content-Type: application/json.")
        return answer(request, error.status_code, str(error))

    @api.exception_handler(Http404)
    def not_found(request, error):
        return answer(request, 404, "Not found.", "not_found")

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
        return answer(request, 500, "Something went wrong on our side.", "server_error")

    def unavailable(request, service: str, error):
        logger.warning(
            "API 503 for %s %s: %s (%s: %s)",
            request.method,
            request.path,
            service,
            type(error).__name__,
            error,
        )
        return answer(
            request, 503, "The shop cannot answer right now. Please try again shortly.", "unavailable",
            headers={"Retry-After": "5"},
        )  # fmt: skip
