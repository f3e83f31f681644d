"""
RFC 7009, token revocation: an app ends its login by sending either of
its tokens (§2.1), form-encoded (a JSON body too, as at the token
endpoint). A token of another client is refused (§2.1: the server
verifies "whether the token was issued to the client making the
revocation request"); an unknown, expired or already revoked token is a
200 all the same (§2.2: nothing to tell an attacker).
"""

from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc7009 import RevocationEndpoint as _RevocationEndpoint

from .. import token_logins


class RevocationEndpoint(_RevocationEndpoint):
    CLIENT_AUTH_METHODS = ("none",)  # public clients only

    def check_params(self, request, client):
        # §2.1: a server MAY ignore token_type_hint; it does, whatever its
        # value (authlib would refuse one it does not know).
        if "token" not in request.form:
            raise InvalidRequestError("Missing 'token'.")

    def query_token(self, token_string, token_type_hint):
        # The hint is not needed (§2.1 lets a server do without): a refresh
        # token is never a JWT, so the two kinds cannot be taken for each other.
        return token_logins.login_of_token(token_string)

    def revoke_token(self, token, request):
        token_logins.end(token)
