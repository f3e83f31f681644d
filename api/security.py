"""Who a request of the API is: the user its Bearer access token names, and nothing else."""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from session_state import api_logins


class InvalidToken(AuthenticationError):
    """A Bearer token that is not a live access token (RFC 6750's invalid_token)."""

    def __init__(self):
        super().__init__(status_code=401, message="The access token is invalid, expired or revoked.")


class AccessToken(HttpBearer):
    """
    `Authorization: Bearer <access token>`, checked without Redis
    (session_state.api_logins.check_access_token), then the user it names, who must
    still be active (from their record in Redis, without a query). A request
    without one (a browser's session cookie alone, for instance) is refused:
    the API cannot be driven cross-site.
    """

    def authenticate(self, request, token):
        try:
            verified = _checked(request, token)
        except api_logins.InvalidAccessToken:
            raise InvalidToken from None
        user = api_logins.user_of_access_token(verified)
        if user is None:
            raise InvalidToken
        # The user as the token names them, never the session's: the API
        # reads no session.
        request.user = user
        request.login_id = verified.login_id
        request.access_token = verified  # what it says: its client, its auth_time (api.rfc9470)
        return user


def live_login_id(request) -> str | None:
    """
    The API login whose live access token the request carries (Bearer), or
    None: no token, or one that is not live. For counting the request
    before it is authenticated (api.ratelimits), so that a made-up token
    counts as no token, never as a budget of its own. RevocationsUnknown
    when this worker cannot tell, as for authentication.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return _checked(request, token).login_id
    except api_logins.InvalidAccessToken:
        return None


def _checked(request, token: str):
    """check_access_token, once a request: the rate limit checks the token before authentication does."""
    checked = getattr(request, "_checked_access_token", None)
    if checked is None or checked[0] != token:
        checked = (token, api_logins.check_access_token(token=token))
        request._checked_access_token = checked
    return checked[1]
