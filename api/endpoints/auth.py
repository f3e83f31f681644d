"""
Tokens: logging in, refreshing, revoking, logging out. The lifecycle is
session_state's (session_state.token_logins); these parse, call, answer.
"""

from django.contrib.auth import authenticate
from django.http import HttpResponse
from ninja import Router, Status

from ops.clients import client_address
from session_state import token_auth, user_sessions

from ..schemas import Credentials, Detail, Ended, OAuthError, RefreshRequest, RevokeRequest, TokenPair

router = Router(tags=["auth"])

_BAD_CREDENTIALS = {"error": "invalid_grant", "error_description": "Wrong username or password."}
_BAD_REFRESH = {
    "error": "invalid_grant",
    "error_description": "The refresh token is invalid, expired or revoked.",
}


@router.post("/token", auth=None, response={200: TokenPair, 400: OAuthError, 429: Detail})
def token(request, credentials: Credentials, response: HttpResponse):
    """
    Log in with a username and password: an access token and a refresh
    token. Password checks are counted with the web login's, per username
    and per address (429 with Retry-After once they are used up).
    """
    user = authenticate(request, username=credentials.username, password=credentials.password)
    retry_after = getattr(request, "password_checks_used_up", None)  # accounts.backends
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
        return Status(
            429, {"detail": "Too many failed logins. Please wait and try again.", "code": "too_many_attempts"}
        )
    if user is None:
        return Status(400, _BAD_CREDENTIALS)
    return token_auth.start_token_login(
        user=user, address=client_address(request), user_agent=request.headers.get("User-Agent", "")
    )


@router.post("/refresh", auth=None, response={200: TokenPair, 400: OAuthError})
def refresh(request, body: RefreshRequest):
    """
    A new pair for the refresh token, which is used up (rotation). Sent
    again within the grace, it gets the same new pair; a used-up token sent
    after that ends its login, as stolen.
    """
    try:
        return token_auth.refresh_token_login(refresh_token=body.refresh_token)
    except token_auth.InvalidRefreshToken:
        return Status(400, _BAD_REFRESH)


@router.post("/revoke", auth=None, response={200: dict})
def revoke(request, body: RevokeRequest):
    """RFC 7009: end the login a refresh or access token belongs to. 200 whatever the token was."""
    # Its token_type_hint is not needed (RFC 7009 allows ignoring it).
    token_auth.revoke_token(token=body.token)
    return {}


@router.post("/logout", response={204: None})
def logout(request):
    """End this login: its refresh token, and its access tokens on every server within a second."""
    token_auth.end_token_login(user=request.user, login_id=request.login_id)
    return Status(204, None)


@router.post("/logout-all", response={200: Ended})
def logout_all(request):
    """End every session of the user: every API login, and every browser session."""
    return {"ended": user_sessions.end_all_sessions(user=request.user)}
