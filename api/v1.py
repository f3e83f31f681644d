"""
The API, version 1: /api/v1/, its schema at /api/v1/openapi.json and its
docs page at /api/v1/docs (Swagger UI served by the shop, under its CSP).
"""

import json

from django.conf import settings
from ninja import NinjaAPI

from . import errors, problems, ratelimits
from .endpoints import auth, shop
from .parsing import JsonParser
from .security import AccessToken

_PROBLEM = {problems.MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
# The headers some errors carry (RFC 9457 §4: a problem type may say which),
# declared once under components and named by the answers they come with.
_HEADERS = {
    "WWW-Authenticate": {
        "description": (
            'The challenge: Bearer (RFC 6750 §3), with error="invalid_token" for a bad token or '
            'error="insufficient_user_authentication" and max_age (RFC 9470); Basic for the OAuth endpoints\' '
            "invalid_client, when a client sent a secret (RFC 6749 §5.2)."
        ),
        "required": True,
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again (RFC 9110 §10.2.3).",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
}
_HEADERS_OF_STATUS = {"401": ["WWW-Authenticate"], "429": ["Retry-After"], "503": ["Retry-After"]}


def _is_oauth_error(answer: dict) -> bool:
    return "#/components/schemas/OAuthError" in json.dumps(answer.get("content", {}))


def _add(answers: dict, status: str, description: str) -> None:
    """
    Declare api.errors' problem for status; beside the operation's own
    answer if it has one: the token endpoints' OAuth error (RFC 6749 §5.2)
    keeps its application/json, and the problem is the other media type.
    """
    declared = answers.get(status)
    if declared is None:
        answers[status] = {"description": description, "content": dict(_PROBLEM)}
        return
    declared.setdefault("content", {}).update(_PROBLEM)
    if _is_oauth_error(declared):
        declared["description"] = f"{declared['description'].rstrip('.')} (RFC 6749 §5.2). Or: {description}"


def _as_problems(answers: dict) -> None:
    """The operation's own error answers (a 404, a 409, auth/token's 429) are problems too, but OAuth's."""
    for status, answer in answers.items():
        if int(status) >= 400 and not _is_oauth_error(answer):
            answer["content"] = dict(_PROBLEM)
        if status in _HEADERS_OF_STATUS:
            answer["headers"] = {
                name: {"$ref": f"#/components/headers/{name}"} for name in _HEADERS_OF_STATUS[status]
            }


def _drop_unused_schemas(schema: dict) -> None:
    """
    Drop the schemas nothing names any more (the error bodies Problem
    replaced, api.schemas.Detail): a client's generator would make types of them.
    """
    components = schema["components"]["schemas"]
    while True:
        named = json.dumps({**schema, "components": {**schema["components"], "schemas": {}}}) + json.dumps(
            list(components.values())
        )
        unused = [name for name in components if f'"#/components/schemas/{name}"' not in named]
        if not unused:
            return
        for name in unused:
            del components[name]


class ShopAPI(NinjaAPI):
    """
    ninja's API, whose schema also names the errors every operation can
    answer (api.errors), each an RFC 9457 problem (api.problems) under the
    application/problem+json media type, so that a client, and a fuzzer
    checking answers against the schema, knows them all.
    """

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Problem"] = problems.SCHEMA
        components.setdefault("headers", {}).update(_HEADERS)
        for operations in schema["paths"].values():
            for operation in operations.values():
                answers = {str(status): answer for status, answer in operation.get("responses", {}).items()}
                # The OAuth endpoints (api.endpoints.auth) answer every 4xx
                # in RFC 6749 §5.2's shape, a body that is not theirs too.
                oauth = any(_is_oauth_error(answer) for answer in answers.values())
                if not oauth and (operation.get("parameters") or operation.get("requestBody")):
                    _add(
                        answers,
                        "400",
                        "A field is missing or wrong (invalid_fields), or the body is not JSON.",
                    )
                if not oauth and operation.get("requestBody"):
                    _add(answers, "415", "The body was not JSON (unsupported_media_type).")
                parameters = [parameter["name"] for parameter in operation.get("parameters", [])]
                if "Idempotency-Key" in parameters:  # api.idempotency
                    _add(
                        answers,
                        "422",
                        "The Idempotency-Key came with another request before (idempotency_key_reused).",
                    )
                if operation.get("security"):
                    _add(answers, "401", "No access token, or not a live one (WWW-Authenticate says which).")
                # api.ratelimits: the OAuth endpoints declare theirs, in §5.2's shape.
                if "429" not in answers:
                    _add(
                        answers,
                        "429",
                        "Too many requests from this login or address (rate_limited): wait (Retry-After).",
                    )
                _add(
                    answers,
                    "503",
                    "Redis or the database does not answer (unavailable): try again (Retry-After).",
                )
                _as_problems(answers)
                operation["responses"] = answers
        _drop_unused_schemas(schema)
        return schema


api = ShopAPI(
    title="Hearth & Home API",
    version="1",
    description=(
        "The shop for mobile clients. Log in at auth/token for a 15-minute access token and a refresh token; "
        "send the access token as `Authorization: Bearer ...`; rotate with auth/refresh. See docs/api.md."
    ),
    auth=AccessToken(),
    parser=JsonParser(),
    urls_namespace="api-v1",
    docs_url="/docs" if settings.API_DOCS else None,
)
errors.install(api)
ratelimits.install(api)
api.add_router("/auth", auth.router)
api.add_router("/", shop.router)
