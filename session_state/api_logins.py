"""
API logins, what the JSON API's apps hold instead of a session cookie:
each a token pair (a short-lived access token and a rotated refresh token)
listed among the user's sessions; checking an access token and finding
its user; ending or revoking a login. The OAuth protocol that issues them
to registered apps is session_state.oauth.

Called by the API app (api/: its endpoints, its Bearer authentication and
its error handlers). How the tokens are made and kept is private to this
package (session_state.access_tokens, session_state.token_logins,
session_state.revocations).
"""

import time

from django.contrib.auth import get_user_model

from . import access_tokens, keys, revocations, token_logins, user_records
from .access_tokens import AccessToken, InvalidAccessToken
from .revocations import RevocationsUnknown
from .sessions import tag_of_user
from .token_logins import InvalidRefreshToken, TokenPair
from .user_sessions import end_session

__all__ = [
    "AccessToken",
    "InvalidAccessToken",
    "InvalidRefreshToken",
    "RevocationsUnknown",
    "TokenPair",
    "check_access_token",
    "end_token_login",
    "refresh_token_login",
    "revoke_token",
    "seconds_since_password",
    "start_token_login",
    "user_of_access_token",
]


def start_token_login(*, user, address: str, user_agent: str) -> TokenPair:
    """An API login for a user whose password has just been checked: a token pair, listed like a session."""
    return token_logins.log_in(user=user, tag=tag_of_user(user), address=address, user_agent=user_agent)


def refresh_token_login(*, refresh_token: str) -> TokenPair:
    """The next token pair (rotation); InvalidRefreshToken if that token is no longer good (reuse ends its login)."""
    return token_logins.refresh(refresh_token)


def seconds_since_password(token: AccessToken) -> float:
    """
    How long ago the user last typed their password, as the token says
    (its auth_time: the login's, which a refresh keeps); forever for a
    token of the release before, which does not say.
    """
    return time.time() - token.auth_time if token.auth_time is not None else float("inf")


def check_access_token(*, token: str) -> AccessToken:
    """
    What a valid access token says: signed by us, unexpired, its login not
    ended (checked in this worker's memory, no Redis round trip).
    InvalidAccessToken otherwise; RevocationsUnknown when this worker
    cannot tell (it has not heard from Redis lately).
    """
    verified = access_tokens.verify(token)
    if revocations.is_revoked(verified.login_id):
        raise InvalidAccessToken("its login has ended")
    return verified


def user_of_access_token(token: AccessToken):
    """
    The active user a checked access token names, or None: from their record
    in Redis (no database query), else from the database (one query, and the
    missing record written).
    """
    model = get_user_model()
    if not keys.is_tag(token.subject):
        # A token issued before tokens named the user by tag (`sub` was the
        # user id): it lives API_ACCESS_TOKEN_LIFETIME at the most.
        subject = token.subject if token.subject.isdigit() else None
        return model._default_manager.filter(pk=subject, is_active=True).first() if subject else None
    user = user_records.read_active_user(tag=token.subject)
    if user is None:
        user = model._default_manager.filter(session_tag__tag=token.subject, is_active=True).first()
        if user is not None:
            user_records.write(tag=token.subject, user=user, only_if_missing=True)
    if user is not None:
        user._session_tag = token.subject  # as tag_of_user() keeps it: no query for it
    return user


def end_token_login(*, user, login_id: str) -> bool:
    """End the API login (its refresh token, and its access tokens on every worker); False if it had ended."""
    return end_session(user=user, public_id=login_id)


def revoke_token(*, token: str, client_id: str | None = None) -> None:
    """
    RFC 7009: end the login a token belongs to, be it a refresh token or an
    access token, if it was issued to client_id (when named); anything
    else, an expired or unknown token, changes nothing.
    """
    found = token_logins.login_of_token(token)
    if found is not None and client_id in (None, found.client_id):
        token_logins.end(found)
