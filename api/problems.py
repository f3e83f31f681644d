"""
The one shape of every error under /api/: RFC 9457 problem details, sent as
application/problem+json (RFC 9457 §3). Built here and nowhere else: by the
API's exception handlers (api.errors), by the middleware for errors made
outside them (api.middleware), by the 404 of unknown paths (api.views); and
spelt out once more, for what nginx answers itself, in
deploy/nginx/shop.conf.template (a test keeps the two the same).

    {"type": "https://<the shop>/problems/not_found", "title": "Not found",
     "status": 404, "detail": "...", "code": "not_found"}

`type` names the kind of problem (RFC 9457 §3.1.1); `code` names it too,
shorter, for clients that switch on a string (an extension member, §3.2);
field errors add `errors`. The exception: the token endpoints' OAuth errors,
whose shape RFC 6749 §5.2 fixes.
"""

import logging
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"  # RFC 9457 §6.1; JSON has no charset parameter (RFC 8259 §11)


@dataclass(frozen=True)
class Kind:
    """A kind of problem: its status, its title (the same at every occurrence, RFC 9457 §3.1.3), and what it means."""

    status: int
    title: str
    detail: str  # said when nothing more precise is known; also the documentation page's text


KINDS = {
    "invalid_fields": Kind(400, "A field is missing or wrong", "A field is missing or wrong: each is listed in errors."),
    "malformed_body": Kind(400, "The body is not valid JSON", "The body could not be read as JSON."),
    "bad_request": Kind(400, "Bad request", "The request could not be read."),
    "quantity_out_of_range": Kind(400, "Quantity out of range", "Choose a quantity from 1 to the cart's limit."),
    "missing_shipping": Kind(400, "No shipping address", "Send a shipping address, or save one in your account."),
    "not_authenticated": Kind(
        401, "No access token", "Send an access token: Authorization: Bearer <access token> (from auth/token)."
    ),
    "invalid_token": Kind(
        401, "Invalid access token", "The access token is invalid, expired or revoked: refresh it, or log in again."
    ),
    "insufficient_user_authentication": Kind(
        401,
        "A more recent password is needed",
        "This needs a password typed within max_age seconds (WWW-Authenticate says how many): have the user "
        "sign in again (RFC 9470).",
    ),
    "not_found": Kind(404, "Not found", "Not found."),
    "method_not_allowed": Kind(
        405, "Method not allowed", "This method is not allowed here; the Allow header lists the ones that are."
    ),
    "sold_out": Kind(409, "Sold out", "A product is sold out, or has fewer units in stock than asked for."),
    "over_line_cap": Kind(409, "Over a line's limit", "A line cannot hold that many: the stock or the per-order limit."),
    "too_many_lines": Kind(409, "Too many lines", "The cart already holds as many different products as it can."),
    "empty": Kind(409, "Empty cart", "The cart is empty: there is nothing to order."),
    "gone": Kind(409, "No longer sold", "Something in the cart is no longer sold: review the cart."),
    "stale_checkout": Kind(409, "Checkout out of date", "The cart changed during the checkout: check it and order again."),
    "cart_changed": Kind(409, "Cart changed", "The cart changed since it was read: check it and order again."),
    "payload_too_large": Kind(413, "Body too large", "The body is larger than the API accepts (1 MB)."),
    "uri_too_long": Kind(414, "URI too long", "The URI is longer than the API accepts."),
    "unsupported_media_type": Kind(
        415, "Body not JSON", "Send the body as JSON, with Content-Type: application/json."
    ),
    "idempotency_key_reused": Kind(
        422,
        "Idempotency-Key reused",
        "This Idempotency-Key was sent before with another request: make a new key for a new checkout.",
    ),
    "too_many_attempts": Kind(429, "Too many attempts", "Too many failed logins: wait as long as Retry-After says."),
    "rate_limited": Kind(
        429, "Too many requests", "Too many requests from this login or address: wait as long as Retry-After says."
    ),
    "server_error": Kind(500, "Server error", "Something went wrong on our side."),
    "bad_gateway": Kind(502, "No app server answered", "The shop cannot answer right now. Please try again shortly."),
    "unavailable": Kind(
        503, "Temporarily unavailable", "The shop cannot answer right now. Please try again shortly."
    ),
    "gateway_timeout": Kind(504, "App server too slow", "The shop did not answer in time. Please try again shortly."),
}  # fmt: skip

# What a status means when whatever answered it gave no code (ninja's 405,
# Django's own 400 and 500, nginx's).
CODE_OF_STATUS = {
    400: "bad_request", 401: "not_authenticated", 404: "not_found", 405: "method_not_allowed",
    413: "payload_too_large", 414: "uri_too_long", 415: "unsupported_media_type", 500: "server_error",
    502: "bad_gateway", 503: "unavailable", 504: "gateway_timeout",
}  # fmt: skip


def type_uri(code: str) -> str:
    """
    The kind's URI: absolute (RFC 9457 §3.1.1 recommends it), under the
    shop's own address, where a page documents it (api.views.problem_type).
    """
    return f"{settings.SHOP_PUBLIC_URL}/problems/{code}"


def body(code: str, detail: str | None = None, *, status: int | None = None, **extensions) -> dict:
    """
    A problem as a dict. A code the shop does not document (a new one of a
    service's) is still said, as an extension, under "about:blank", whose
    title is the status's reason phrase (RFC 9457 §4.2.1).
    """
    kind = KINDS.get(code)
    if kind is not None and status in (None, kind.status):
        type_, title, status = type_uri(code), kind.title, kind.status
    else:
        # Never a documented type with another status than its own: the
        # same type would mean two things (RFC 9457 §3.1.2, §4).
        status = status or 500
        logger.warning("API problem %r with status %s: not in api.problems.KINDS", code, status)
        type_, title, kind = "about:blank", _phrase(status), None
    return {
        "type": type_,
        "title": title,
        "status": status,
        "detail": detail or (kind.detail if kind else title + "."),
        "code": code,
        **extensions,
    }


def response(code: str, detail: str | None = None, *, status: int | None = None, headers=None, **extensions):
    """The problem as a response, application/problem+json, with its headers (WWW-Authenticate, Retry-After, Allow)."""
    problem = body(code, detail, status=status, **extensions)
    answer = JsonResponse(problem, status=problem["status"], content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def code_of_status(status: int) -> str:
    """The code of an error whose maker gave none: the status's kind, or its reason phrase in snake case."""
    return CODE_OF_STATUS.get(status) or _phrase(status).lower().replace(" ", "_").replace("-", "_")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # a status Python does not name
        return "Error"


def is_problem(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == MEDIA_TYPE


# The JSON Schema of a problem, declared once in the OpenAPI schema
# (api.v1.ShopAPI) under the application/problem+json media type.
SCHEMA = {
    "title": "Problem",
    "description": "RFC 9457 problem details. `code` names the kind of problem, as `type` does (see docs/api.md).",
    "type": "object",
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "description": "The kind of problem; its page documents it.",
        },
        "title": {"type": "string", "description": "The kind's title, the same at every occurrence."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "This occurrence, in a sentence."},
        "code": {
            "type": "string",
            "description": "The kind of problem, as a stable string.",
            "examples": ["not_found"],
        },
        "errors": {
            "description": "For invalid_fields: what is wrong, field by field.",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                        "description": "Where: the part of the request (body, query, path, header), then the field.",
                    },
                    "msg": {"type": "string"},
                    "type": {
                        "type": "string",
                        "description": "What is wrong, as a stable string (pydantic's).",
                    },
                },
                "required": ["loc", "msg", "type"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}
