"""
The API, version 1: /api/v1/, its schema at /api/v1/openapi.json and its
docs page at /api/v1/docs (Swagger UI served by the shop, under its CSP).
"""

from django.conf import settings
from ninja import NinjaAPI

from . import errors
from .endpoints import auth, shop
from .parsing import JsonParser
from .security import AccessToken

_DETAIL = {"type": "object", "properties": {"detail": {}, "code": {"type": "string"}}, "required": ["detail"]}


def _add(answers: dict, status: str, description: str) -> None:
    """Declare api.errors' answer for status; beside the operation's own, if it has one (auth/token's invalid_grant)."""
    declared = answers.get(status)
    if declared is None:
        answers[status] = {"description": description, "content": {"application/json": {"schema": _DETAIL}}}
        return
    content = declared["content"]["application/json"]
    content["schema"] = {"anyOf": [content["schema"], _DETAIL]}
    declared["description"] += f" Or: {description}"


class ShopAPI(NinjaAPI):
    """
    ninja's API, whose schema also names the errors every operation can
    answer (api.errors), so that a client, and a fuzzer checking answers
    against the schema, knows them all.
    """

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                answers = {str(status): answer for status, answer in operation.get("responses", {}).items()}
                if operation.get("parameters") or operation.get("requestBody"):
                    _add(answers, "400", "A field is missing or wrong, or the body is not JSON.")
                if operation.get("requestBody"):
                    _add(answers, "415", "The body was not sent as application/json.")
                parameters = [parameter["name"] for parameter in operation.get("parameters", [])]
                if "Idempotency-Key" in parameters:  # api.idempotency
                    _add(
                        answers,
                        "422",
                        "The Idempotency-Key came with another request before (idempotency_key_reused).",
                    )
                if operation.get("security"):
                    _add(answers, "401", "No access token, or not a live one (WWW-Authenticate says which).")
                _add(answers, "503", "Redis or the database does not answer; try again (Retry-After).")
                operation["responses"] = answers
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
api.add_router("/auth", auth.router)
api.add_router("/", shop.router)
