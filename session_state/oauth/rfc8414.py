"""
RFC 8414, OAuth 2.0 Authorization Server Metadata: what a client library
reads at /.well-known/oauth-authorization-server to find everything else
(§3), checked by authlib's own validator before it is served.
"""

from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from django.conf import settings
from django.urls import reverse

from .rfc7636 import METHOD

WELL_KNOWN_PATH = "/.well-known/oauth-authorization-server"


def metadata() -> dict:
    """The server's metadata (§2), its URLs the shop's public address (never a request's Host)."""
    public = settings.SHOP_PUBLIC_URL
    grant_types = [
        "authorization_code",
        "refresh_token",
        *(["password"] if settings.OAUTH_PASSWORD_GRANT else []),
    ]
    served = AuthorizationServerMetadata(
        {
            # §2: the issuer is the tokens' `iss`, and §3 puts this document
            # at the issuer plus the well-known path.
            "issuer": settings.API_TOKEN_ISSUER,
            "authorization_endpoint": public + reverse("oauth_authorize"),
            "token_endpoint": public + reverse("api-v1:token"),
            "revocation_endpoint": public + reverse("api-v1:revoke"),
            "jwks_uri": public + reverse("jwks"),
            "response_types_supported": ["code"],
            "grant_types_supported": grant_types,
            "code_challenge_methods_supported": [METHOD],
            # Public clients only (RFC 8252 §8.4): no secret to send.
            "token_endpoint_auth_methods_supported": ["none"],
            "revocation_endpoint_auth_methods_supported": ["none"],
        }
    )
    served.validate()
    return dict(served)
