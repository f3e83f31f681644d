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

api = NinjaAPI(
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
