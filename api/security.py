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
            verified = api_logins.check_access_token(token=token)
        except api_logins.InvalidAccessToken:
            raise InvalidToken from None
        user = api_logins.user_of_access_token(verified)
        if user is None:
            raise InvalidToken
        # The user as the token names them, never the session's: the API
        # reads no session.
        request.user = user
        request.login_id = verified.login_id
        return user
