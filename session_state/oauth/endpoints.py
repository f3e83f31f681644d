"""
The OAuth endpoints as views call them: each takes the Django request and
answers the HttpResponse the standard asks for, or, at the authorization
endpoint, what the view must ask the user first. Called by the API app
(api.endpoints.auth: the token and revocation endpoints) and by accounts
(the authorization endpoint, a page of the shop's web login). What they
issue is an API login (session_state.api_logins).
"""

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from django.http import QueryDict
from django.urls import reverse

from .. import access_tokens
from ..models import OAuthClient
from ..sessions import seconds_since_password
from . import rfc8252
from .rfc6749 import (
    AuthorizationCodeGrant,
    AuthorizationRequest,
    PasswordGrant,
    RefreshTokenGrant,
    ShopAuthorizationServer,
    TokenRequest,
)
from .rfc7009 import RevocationEndpoint
from .rfc7636 import S256CodeChallenge
from .rfc8414 import metadata

__all__ = [
    "Authorization",
    "AuthorizationRefused",
    "UnsafeRedirect",
    "app_origin_of",
    "authorization",
    "jwks",
    "metadata",
    "revocation_response",
    "token_response",
]


def jwks() -> dict:
    """The public keys that verify access tokens (RFC 7517 §5): what the metadata's jwks_uri serves."""
    return access_tokens.jwks()


@cache
def server() -> ShopAuthorizationServer:
    """The authorization server, with the grants and endpoints the shop speaks."""
    authorization_server = ShopAuthorizationServer()
    authorization_server.register_grant(AuthorizationCodeGrant, [S256CodeChallenge()])
    authorization_server.register_grant(PasswordGrant)
    authorization_server.register_grant(RefreshTokenGrant)
    authorization_server.register_endpoint(RevocationEndpoint)
    return authorization_server


class UnsafeRedirect(Exception):
    """
    An authorization request whose client or redirect URI is unknown,
    missing or not the client's: answered on a page of the shop, never by
    a redirect (RFC 6749 §4.1.2.1: the server "MUST NOT automatically
    redirect the user-agent to the invalid redirection URI").
    """

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


class AuthorizationRefused(Exception):
    """An authorization request the app must be told it was refused: response redirects to it with the error."""

    def __init__(self, response):
        super().__init__(response)
        self.response = response


@dataclass
class Authorization:
    """
    A valid authorization request (§4.1.1), once its client and redirect
    URI are known to be safe to answer: what the view asks of the user,
    then approve() or deny().
    """

    _grant: AuthorizationCodeGrant
    client_name: str
    app_origin: str  # the redirect URI's CSP source: the page's forms lead there (app_origin_of)
    first_party: bool  # the shop's own app: no consent page
    prompt_login: bool  # prompt=login: the password typed again, whatever its age
    max_age: int | None  # max_age=N: the password typed within N seconds

    def needs_password(self, session) -> bool:
        """Whether the user must type their password for this request (prompt=login, or max_age passed)."""
        return self.prompt_login or (
            self.max_age is not None and seconds_since_password(session) > self.max_age
        )

    def approve(self, *, user):
        """The user allowed it: to the app's redirect URI with a code (and the state)."""
        return server().create_authorization_response(self._grant.request, grant_user=user, grant=self._grant)

    def deny(self):
        """The user refused: to the app's redirect URI with access_denied (§4.1.2.1)."""
        return server().create_authorization_response(self._grant.request, grant_user=None, grant=self._grant)


def authorization(request) -> Authorization:
    """
    The authorization request a browser brings (§4.1.1), checked by authlib.
    UnsafeRedirect when it must be answered on a page of the shop;
    otherwise an error the app must hear of is raised as
    AuthorizationRefused, whose response redirects to the app.
    """
    oauth_request = AuthorizationRequest(request)
    try:
        grant = server().get_consent_grant(oauth_request, end_user=None)
    except OAuth2Error as error:
        if not error.redirect_uri:
            raise UnsafeRedirect(error.description or error.error) from None
        raise AuthorizationRefused(server().handle_error_response(oauth_request, error)) from None
    data = oauth_request.payload.data
    max_age = data.get("max_age")
    if max_age is not None and not (max_age.isdigit() and len(max_age) < 10):
        refusal = InvalidRequestError(
            "max_age must be a number of seconds.", redirect_uri=grant.redirect_uri, state=data.get("state")
        )
        raise AuthorizationRefused(server().handle_error_response(oauth_request, refusal))
    return Authorization(
        _grant=grant,
        client_name=grant.request.client.name,
        app_origin=rfc8252.csp_source(grant.redirect_uri),
        first_party=grant.request.client.first_party,
        prompt_login="login" in data.get("prompt", "").split(),
        max_age=int(max_age) if max_age is not None else None,
    )


def app_origin_of(url: str | None) -> str | None:
    """
    The CSP source of the app an authorization URL of ours would send the
    browser back to, when it names a registered client and one of its
    redirect URIs; None for any other URL. A page whose form leads there
    through redirects (the login page on the way to an app, the consent
    and password pages) must let its form-action reach it: Chromium holds
    the redirects a form submission leads to to the form's form-action.
    """
    parts = urlsplit(url or "")
    if parts.path != reverse("oauth_authorize"):
        return None
    query = QueryDict(parts.query)
    client = OAuthClient.objects.filter(client_id=query.get("client_id", "")).first()
    if client is None:
        return None
    redirect_uri = query.get("redirect_uri") or client.get_default_redirect_uri()
    return (
        rfc8252.csp_source(redirect_uri) if redirect_uri and client.check_redirect_uri(redirect_uri) else None
    )


def token_response(request, *, implied_grant_type: str | None = None):
    """
    RFC 6749 §3.2's token endpoint. implied_grant_type: what a JSON body
    without a grant_type asks for (the refresh path's, for its older apps).
    """
    oauth_request = TokenRequest(request, implied_grant_type=implied_grant_type)
    return _answer(oauth_request, lambda: server().create_token_response(oauth_request))


def revocation_response(request):
    """RFC 7009's revocation endpoint."""
    oauth_request = TokenRequest(request, grant=False)
    return _answer(
        oauth_request,
        lambda: server().create_endpoint_response(RevocationEndpoint.ENDPOINT_NAME, oauth_request),
    )


def _answer(oauth_request: TokenRequest, respond):
    try:
        oauth_request.check()
    except OAuth2Error as error:  # a body that is no request's: §5.2's answer too
        return server().handle_error_response(oauth_request, error)
    return respond()
