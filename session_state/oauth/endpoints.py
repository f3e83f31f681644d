"""
The OAuth endpoints as views call them: each takes the Django request and
answers the HttpResponse the standard asks for. Called by the API app
(api.endpoints.auth); what they issue is an API login (session_state.
api_logins).
"""

from functools import cache

from authlib.oauth2 import OAuth2Error

from .rfc6749 import PasswordGrant, RefreshTokenGrant, ShopAuthorizationServer, TokenRequest
from .rfc7009 import RevocationEndpoint


@cache
def server() -> ShopAuthorizationServer:
    """The authorization server, with the grants and endpoints the shop speaks."""
    authorization_server = ShopAuthorizationServer()
    authorization_server.register_grant(PasswordGrant)
    authorization_server.register_grant(RefreshTokenGrant)
    authorization_server.register_endpoint(RevocationEndpoint)
    return authorization_server


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
