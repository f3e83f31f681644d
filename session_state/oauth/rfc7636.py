"""
RFC 7636, Proof Key for Code Exchange: an authorization code is bound to
a challenge, and only the holder of its verifier can exchange it. authlib's
CodeChallenge checks both ends; the shop takes S256 only, and requires it.

- §4.2: "plain" exists for clients that cannot hash; every app here can,
  and RFC 9700 §2.1.1 says a server that supports S256 should not accept
  plain. A request naming plain, or naming no method (whose default §4.3
  says is plain), is refused.
- RFC 9700 §2.1.1: public clients MUST use PKCE; every client here is
  public, so a request without a challenge is refused too.
"""

from types import MappingProxyType

from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge

METHOD = "S256"


class S256CodeChallenge(CodeChallenge):
    DEFAULT_CODE_CHALLENGE_METHOD = METHOD
    SUPPORTED_CODE_CHALLENGE_METHOD = (METHOD,)
    CODE_CHALLENGE_METHODS = MappingProxyType({METHOD: CodeChallenge.CODE_CHALLENGE_METHODS[METHOD]})

    def __init__(self):
        super().__init__(required=True)

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError(
                "Missing 'code_challenge': PKCE is required (RFC 7636, RFC 9700 2.1.1)."
            )
        if data.get("code_challenge_method") != METHOD:
            raise InvalidRequestError(
                "Send code_challenge_method=S256: plain is not accepted (RFC 7636 4.2)."
            )
        super().validate_code_challenge(grant, redirect_uri)
