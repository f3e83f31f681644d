"""
Tokens: logging in, refreshing, revoking, logging out. The protocol is
session_state.oauth's and the lifecycle session_state's; these call and
answer.
"""

from ninja import Router, Status

from session_state import api_logins, user_sessions
from session_state.oauth import endpoints as oauth

from .. import rfc9470
from ..errors import oauth_errors
from ..schemas import Ended, OAuthError, TokenPair

router = Router(tags=["auth"])


def _form_or_json(schema: dict) -> dict:
    """An OAuth request body: form-encoded (RFC 6749 §3.2), or JSON as the API's first apps send it."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": schema},
                "application/json": {"schema": schema},
            },
        }
    }


def _text(max_length: int = 4096, **more) -> dict:
    return {"type": "string", "maxLength": max_length, "pattern": "^[^\\x00]*$", **more}


_TOKEN_REQUEST = {
    "type": "object",
    "properties": {
        "grant_type": {
            "type": "string",
            "enum": ["password", "refresh_token"],
            "description": "Omitted in a JSON body with a username: password.",
        },
        "client_id": _text(100, description="The app (shop-mobile when omitted)."),
        "username": _text(150),
        "password": _text(4096),
        "refresh_token": _text(200),
    },
}
_REVOCATION_REQUEST = {
    "type": "object",
    "properties": {
        "token": _text(4096, description="Either token of the login."),
        "token_type_hint": {"type": "string", "enum": ["access_token", "refresh_token"]},
        "client_id": _text(100, description="The app (shop-mobile when omitted)."),
    },
    "required": ["token"],
}
# invalid_client is a 400, but a 401 for a client that sent a secret in an
# Authorization: Basic header (RFC 6749 §5.2): no client here has one.
_TOKEN_ANSWERS = {200: TokenPair, 400: OAuthError, 401: OAuthError, 429: OAuthError}


@router.post("/token", auth=None, response=_TOKEN_ANSWERS, openapi_extra=_form_or_json(_TOKEN_REQUEST))
@oauth_errors
def token(request):
    """
    RFC 6749's token endpoint: an access token and a refresh token for a
    username and password (grant_type=password, the shop's own app only),
    or for a refresh token (grant_type=refresh_token: rotation). Password
    checks are counted with the web login's, per username and per address:
    429 with Retry-After once they are used up; so are the requests of an
    address (api.ratelimits). Every error is RFC 6749 §5.2's body.
    """
    return oauth.token_response(request)


@router.post("/refresh", auth=None, response=_TOKEN_ANSWERS, openapi_extra=_form_or_json(_TOKEN_REQUEST))
@oauth_errors
def refresh(request):
    """
    The token endpoint again, for apps written before it spoke OAuth: a
    body without grant_type is a refresh (the refresh token is used up and
    a new pair issued; sent again within the grace, it gets the same pair;
    later, it ends its login as stolen).
    """
    return oauth.token_response(request, implied_grant_type="refresh_token")


@router.post(
    "/revoke",
    auth=None,
    response={200: dict, 400: OAuthError, 401: OAuthError, 429: OAuthError},
    openapi_extra=_form_or_json(_REVOCATION_REQUEST),
)
@oauth_errors
def revoke(request):
    """RFC 7009: end the login a refresh or access token belongs to. 200 whatever the token was."""
    return oauth.revocation_response(request)


@router.post("/logout", response={204: None})
def logout(request):
    """End this login: its refresh token, and its access tokens on every server within a second."""
    api_logins.end_token_login(user=request.user, login_id=request.login_id)
    return Status(204, None)


@router.post("/logout-all", response={200: Ended})
def logout_all(request):
    """
    End every session of the user: every API login, and every browser
    session. Needs a recent password, as on the web (401
    insufficient_user_authentication otherwise, RFC 9470).
    """
    rfc9470.require_recent_password(request)
    return {"ended": user_sessions.end_all_sessions(user=request.user)}
