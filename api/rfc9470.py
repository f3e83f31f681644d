"""
RFC 9470, OAuth 2.0 Step Up Authentication Challenge: where the web asks
for the password again (accounts.reauth: ending all sessions, seeing or
changing the saved address, checking out to it), the API asks for a
recent one too, so that a stolen refresh token, which keeps its login's
old auth_time however often it is rotated, cannot do there what a
password would be asked for.

An access token whose auth_time is older than REAUTH_AFTER gets a 401
(§3):

    WWW-Authenticate: Bearer error="insufficient_user_authentication",
      error_description="...", max_age="600"

The app then has the user type their password: the authorization code
again with max_age (or prompt=login) through the browser, or the
password grant for the shop's own app; the new token's auth_time is now.
"""

from django.conf import settings

from session_state import api_logins

ERROR = "insufficient_user_authentication"


class InsufficientUserAuthentication(Exception):
    """The token's password is older than the operation allows (api.errors answers 401, §3)."""

    def __init__(self, max_age: int):
        super().__init__(max_age)
        self.max_age = max_age

    @property
    def challenge(self) -> str:
        return (
            f'Bearer error="{ERROR}", error_description="A more recent password is needed for this", '
            f'max_age="{self.max_age}"'
        )


def require_recent_password(request) -> None:
    """Go on only if the request's access token says a password was typed within REAUTH_AFTER."""
    if api_logins.seconds_since_password(request.access_token) > settings.REAUTH_AFTER:
        raise InsufficientUserAuthentication(max_age=settings.REAUTH_AFTER)
