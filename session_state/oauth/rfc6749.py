"""
RFC 6749, the OAuth 2.0 framework: the token endpoint (§3.2) and its
grants, on authlib's server. authlib parses and checks the request (which
grant, which client, which parameters are missing or wrong) and answers
every error as §5.2 says; the grants here only say how a user is found and
what is issued, which is the package's own: an API login
(session_state.token_logins), its refresh token rotated in one step.

The request's body is form-encoded (§3.2, §4.3.2, §6). A JSON body is
taken too, with the same parameters: the API took only JSON before it
spoke OAuth, and its apps keep working. Such an app sent no grant_type: a
username means the password grant, a refresh token at the refresh path
the refresh grant. A request that names no client is the shop's own app's
(OAUTH_DEFAULT_CLIENT_ID), for these two grants only: the authorization
code grant requires its client_id (§4.1.3).
"""

import base64
import binascii
import json
import logging
import re
import time
from urllib.parse import unquote_plus

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.http import HttpResponse
from django.utils.crypto import constant_time_compare

from ops.clients import client_address

from .. import authorization_codes, index, token_logins
from ..models import OAuthClient
from ..sessions import seconds_since_password, tag_of_user

security_log = logging.getLogger("session_state.security")

# Longer than any parameter of ours (a password: 4096, as the login form's
# check allows), and a NUL, which PostgreSQL can neither store nor compare.
MAX_PARAMETER_LENGTH = 4096

# What a request that names no client may ask of the shop's own app's
# (OAUTH_DEFAULT_CLIENT_ID): what its apps did before the API spoke OAuth.
_DEFAULT_CLIENTS_GRANTS = ("password", "refresh_token", "revocation")

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# §5.1: "Cache-Control: no-store" and "Pragma: no-cache" on every answer
# that carries a token; every answer of the endpoint has them.
NOT_STORED = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]


class TooManyPasswordChecks(OAuth2Error):
    """
    The password checks of this username or address are used up (accounts.
    throttling): 429 with Retry-After, in §5.2's shape, so that a client
    library raises on it rather than taking it for a token.
    """

    error = "invalid_grant"
    status_code = 429

    def __init__(self, retry_after: int):
        super().__init__(description="Too many failed logins. Please wait and try again.")
        self.retry_after = retry_after

    def get_headers(self):
        return [*super().get_headers(), ("Retry-After", str(self.retry_after))]


class TokenRequest(OAuth2Request):
    """
    A request at the token endpoint, as authlib reads it: its body's
    parameters only (§3.2: credentials never in the URL), each at most
    once (§3.2). A body that is no request's is kept as an
    InvalidRequestError, which check() raises for §5.2's answer.
    """

    def __init__(self, request, *, implied_grant_type: str | None = None, grant: bool = True):
        """grant: a request for a token (the token endpoint), not to revoke one (RFC 7009)."""
        # The issuer's own address, never the Host header the client chose.
        super().__init__(request.method, settings.SHOP_PUBLIC_URL + request.path, headers=request.headers)
        self.django_request = request
        self._error = None
        try:
            parameters = _parameters(request, implied_grant_type=implied_grant_type)
            if grant and not parameters.get("grant_type"):
                raise InvalidRequestError("Missing 'grant_type' (RFC 6749 section 4.3.2, section 6).")
        except InvalidRequestError as error:
            self._error, parameters = error, {}
        if not parameters.get("client_id") and self._error is None:
            try:
                parameters.update(_basic_client_id(request))
            except OAuth2Error as error:
                self._error = error
        asks_for = parameters.get("grant_type") if grant else "revocation"
        if not parameters.get("client_id") and asks_for in _DEFAULT_CLIENTS_GRANTS:
            parameters["client_id"] = settings.OAUTH_DEFAULT_CLIENT_ID
        self.payload = BasicOAuth2Payload(parameters)

    def check(self) -> None:
        """Raise the request's own error, if its body was not one of parameters."""
        if self._error is not None:
            raise self._error

    @property
    def form(self):
        return self.payload.data

    @property
    def args(self):
        return {}


def _basic_client_id(request) -> dict[str, str]:
    """
    The client named by HTTP Basic (§2.3.1), as requests-oauthlib sends it
    by default: a public client has no secret, so its password is empty. A
    secret is refused: no client here has one (invalid_client, §5.2).
    """
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return {}
    try:
        client_id, _, secret = base64.b64decode(credentials, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidRequestError("The Authorization header is not Basic credentials.") from None
    if secret:
        # §5.2: a client that tried the Authorization header is answered 401
        # (authlib adds WWW-Authenticate: Basic).
        raise InvalidClientError(
            description="No client here has a secret: send client_id alone.", status_code=401
        )
    return {"client_id": unquote_plus(client_id)} if client_id else {}


def _parameters(request, *, implied_grant_type: str | None) -> dict[str, str]:
    content_type = request.content_type
    if content_type == FORM:
        if any(len(values) > 1 for _name, values in request.POST.lists()):
            raise InvalidRequestError("A parameter is repeated (RFC 6749 section 3.2).")
        parameters = request.POST.dict()
    elif content_type == JSON:
        try:
            parameters = json.loads(request.body)
        except ValueError:
            raise InvalidRequestError("The body is not JSON.") from None
        if not isinstance(parameters, dict) or not all(
            isinstance(value, str) for value in parameters.values()
        ):
            raise InvalidRequestError("A JSON body must be an object of strings.")
        if "grant_type" not in parameters:
            # An app written before the API spoke OAuth.
            grant_type = "password" if "username" in parameters else implied_grant_type
            parameters = {**parameters, **({"grant_type": grant_type} if grant_type else {})}
    else:
        raise InvalidRequestError(f"Send the parameters form-encoded ({FORM}, RFC 6749 section 3.2).")
    for name, value in parameters.items():
        if len(value) > MAX_PARAMETER_LENGTH or "\x00" in value:
            raise InvalidRequestError(f"{_parameter_named(name)} is not one this server could hold.")
    return parameters


# §5.2: an error_description is ASCII, %x20-21 / %x23-5B / %x5D-7E (authlib
# raises on anything else, a 500): a name the client chose, in it, only if
# those can spell it.
_DESCRIBABLE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]{1,100}")


def _parameter_named(name: str) -> str:
    return f"The parameter '{name}'" if _DESCRIBABLE.fullmatch(name) else "A parameter"


class AuthorizationRequest(OAuth2Request):
    """
    A request at the authorization endpoint (§3.1), as authlib reads it:
    its query's parameters, whatever the method (the consent and password
    forms post back to the same URL, the query unchanged).
    """

    def __init__(self, request):
        super().__init__(
            request.method, settings.SHOP_PUBLIC_URL + request.get_full_path(), headers=request.headers
        )
        self.django_request = request
        self.payload = _QueryPayload(request.GET)

    @property
    def form(self):
        return {}

    @property
    def args(self):
        return self.payload.data


class _QueryPayload(BasicOAuth2Payload):
    def __init__(self, query):
        super().__init__(query.dict())
        self._datalist = dict(query.lists())


# What an error of §5.2 (and RFC 7009 §2.2.1's) says when authlib says nothing more.
_DESCRIPTIONS = {
    "invalid_request": "The request is missing a parameter, or has one that is wrong or repeated.",
    "invalid_client": "This client is unknown, or may not authenticate this way.",
    "invalid_grant": "The grant is invalid, expired or revoked.",
    "unauthorized_client": "This client may not use this grant.",
    "unsupported_grant_type": "This grant_type is not supported here.",
    "invalid_scope": "The scope is invalid.",
    "unsupported_token_type": "This kind of token cannot be revoked here.",
}


class ShopAuthorizationServer(AuthorizationServer):
    """authlib's server, with the shop's clients and its HTTP answers."""

    def query_client(self, client_id):
        return OAuthClient.objects.filter(client_id=client_id).first()

    def save_token(self, token, request):
        """Nothing to do: the grants issue their tokens through token_logins, which keeps them."""

    def create_oauth2_request(self, request):
        return request if isinstance(request, OAuth2Request) else TokenRequest(request)

    def create_json_request(self, request):
        raise NotImplementedError("no endpoint of the shop takes authlib's JSON requests")

    def handle_error_response(self, request, error):
        # §5.2 makes error_description optional; the API's schema
        # (api.schemas.OAuthError) promises one with every error, and authlib
        # leaves some without (unsupported_grant_type): those get their code's.
        # Never the request's own words: §5.2 allows only some ASCII there.
        if not error.description:
            error.description = _DESCRIPTIONS.get(error.error, "The request was refused.")
        return super().handle_error_response(request, error)

    def handle_response(self, status, body, headers):
        response = HttpResponse(
            json.dumps(body) if isinstance(body, dict) else body, status=status, content_type=JSON
        )
        for name, value in [*headers, *NOT_STORED]:
            if name.lower() != "content-type":
                response[name] = value
        return response

    def send_signal(self, name, *args, **kwargs):
        """authlib's hooks for Flask or Django signals: none needed."""


class _IssuesApiLogins:
    """What a grant issues: a new API login (token_logins) for the user, to the client."""

    TOKEN_ENDPOINT_AUTH_METHODS = ("none",)  # public clients only (RFC 8252 §8.4)

    def issue_login(self, user, *, authenticated_at: float, public_id: str | None = None) -> dict:
        request = self.request.django_request
        pair = token_logins.log_in(
            user=user,
            tag=tag_of_user(user),
            address=client_address(request),
            user_agent=request.headers.get("User-Agent", ""),
            client_id=self.request.client.client_id,
            client_name=self.request.client.name,
            authenticated_at=authenticated_at,
            public_id=public_id,
        )
        return as_token_response(pair)


class PasswordGrant(_IssuesApiLogins, grants.ResourceOwnerPasswordCredentialsGrant):
    """
    §4.3, for the shop's own app only (OAuthClient.check_grant_type;
    RFC 9700 §2.4 forbids it to others), and OAUTH_PASSWORD_GRANT turns it
    off. Its password checks are counted with the web login's, per username
    and per address (accounts.throttling): 429 once used up.
    """

    def authenticate_user(self, username, password):
        request = self.request.django_request
        user = authenticate(request, username=username, password=password)
        retry_after = getattr(request, "password_checks_used_up", None)  # accounts.backends
        if retry_after is not None:
            raise TooManyPasswordChecks(retry_after)
        if user is None:
            # §5.2: invalid_grant, "the provided authorization grant (e.g.,
            # ... resource owner credentials) is invalid" (authlib would
            # answer invalid_request).
            raise InvalidGrantError("Wrong username or password.")
        return user

    def create_token_response(self):
        return (
            200,
            self.issue_login(self.request.user, authenticated_at=time.time()),
            self.TOKEN_RESPONSE_HEADER,
        )


class RefreshTokenGrant(grants.RefreshTokenGrant):
    """
    §6, with rotation (RFC 9700 §4.14.2): the refresh token is used up and
    its successor issued in one step (token_logins.refresh), which also
    checks that it was issued to this client; presented again within the
    grace it gets the same successor, later it ends its login as stolen.
    """

    TOKEN_ENDPOINT_AUTH_METHODS = ("none",)

    def authenticate_refresh_token(self, refresh_token):
        try:
            pair = token_logins.refresh(refresh_token, client_id=self.request.client.client_id)
        except token_logins.InvalidRefreshToken:
            raise InvalidGrantError("The refresh token is invalid, expired or revoked.") from None
        return _Rotated(pair)

    def authenticate_user(self, refresh_token):
        return True  # the user was checked with the rotation (active, and under the same password)

    def create_token_response(self):
        return 200, as_token_response(self.request.refresh_token.pair), self.TOKEN_RESPONSE_HEADER

    def revoke_old_credential(self, refresh_token):
        """Done already: the rotation used it up."""


class AuthorizationCodeGrant(_IssuesApiLogins, grants.AuthorizationCodeGrant):
    """
    §4.1, through the shop's own web login, with PKCE (rfc7636): the
    authorization endpoint issues a code for the browser's logged-in user
    (authorization_codes: 60 s, bound to the client, the redirect URI and
    the challenge); the token endpoint exchanges it once for an API login
    whose auth_time is when the user last typed their password in that
    browser. A code presented twice ends the login made from it (§4.1.2).
    """

    def save_authorization_code(self, code, request):
        """The code is made and saved by authorization_codes.issue() (generate_authorization_code)."""

    def generate_authorization_code(self):
        session, user = self.request.django_request.session, self.request.user
        return authorization_codes.issue(
            tag=tag_of_user(user),
            client_id=self.request.client.client_id,
            redirect_uri=self.request.payload.redirect_uri or "",
            code_challenge=self.request.payload.data["code_challenge"],
            code_challenge_method=self.request.payload.data["code_challenge_method"],
            user_id=user.pk,
            auth_hash=user.get_session_auth_hash(),
            auth_time=time.time() - seconds_since_password(session),
        )

    def query_authorization_code(self, code, client):
        found = authorization_codes.find(code)
        return found if found is not None and found.client_id == client.client_id else None

    def authenticate_user(self, authorization_code):
        user = get_user_model()._default_manager.filter(pk=authorization_code.user_id, is_active=True).first()
        if user is None or not constant_time_compare(
            user.get_session_auth_hash(), authorization_code.auth_hash
        ):
            return None  # deactivated, or logged in under another password since: no login from it
        return user

    def create_token_response(self):
        code = self.request.authorization_code
        user = self.authenticate_user(code)
        if user is None:
            raise InvalidGrantError("The code's user can no longer log in.")
        login_id = index.new_public_id()
        try:
            authorization_codes.claim(code, login_id=login_id)
        except authorization_codes.CodeReplayed as replayed:
            # §4.1.2: "If an authorization code is used more than once ...
            # SHOULD revoke ... all tokens previously issued based on that
            # authorization code."
            token_logins.end(
                token_logins.LoginOfToken(tag=code.tag, public_id=replayed.login_id, client_id="")
            )
            security_log.warning(
                "Authorization code replayed: user %s, login %s ended", code.user_id, replayed.login_id
            )
            raise InvalidGrantError("The code was used before: the login made from it has ended.") from None
        except LookupError:
            raise InvalidGrantError("The code has expired.") from None
        token = self.issue_login(user, authenticated_at=code.auth_time, public_id=login_id)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class _Rotated:
    """A refresh token already rotated, as authlib's RefreshTokenGrant asks for a token object."""

    def __init__(self, pair):
        self.pair = pair

    def check_client(self, client):
        return True  # checked by the rotation itself (refresh.lua)

    def get_scope(self):
        return ""


def as_token_response(pair) -> dict:
    """§5.1's answer."""
    return {
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        "refresh_token": pair.refresh_token,
    }
