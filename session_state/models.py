from authlib.oauth2.rfc6749 import ClientMixin
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from . import keys
from .oauth import rfc8252


class UserTag(models.Model):
    """
    The opaque value that names a user's keys in Redis (session_state.keys):
    their sessions, their index of sessions and their cart share its hash
    slot. Random and kept here rather than derived from the user id, so
    that it names nothing and never changes, whatever secret is rotated.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="session_tag"
    )
    tag = models.CharField(max_length=keys.TAG_LENGTH, unique=True, default=keys.new_tag, editable=False)

    def __str__(self):
        return f"{self.user}: {self.tag}"

    @classmethod
    def existing(cls, user_id) -> str | None:
        """The user's tag, if they have one (those who never logged in have none, and no keys)."""
        return cls.objects.filter(user_id=user_id).values_list("tag", flat=True).first()


class OAuthClient(ClientMixin, models.Model):
    """
    An app registered to log users in through the API (RFC 6749 §2): a
    public client (§2.1: a phone app keeps no secret, so none is issued;
    RFC 8252 §8.4), its redirect URIs, whether it is the shop's own, and
    which grants it may use. Its client_id is what its tokens name
    (RFC 9068's `client_id`) and its name is what the sessions page shows.

    The ClientMixin methods are authlib's hooks (api.oauth): authlib asks
    the client, never reads its fields.
    """

    class GrantType(models.TextChoices):
        AUTHORIZATION_CODE = "authorization_code", "Authorization code, with PKCE (RFC 6749 §4.1, RFC 7636)"
        REFRESH_TOKEN = "refresh_token", "Refresh token (RFC 6749 §6)"
        PASSWORD = "password", "Password: first-party clients only (RFC 6749 §4.3; RFC 9700 §2.4)"

    client_id = models.SlugField(max_length=100, unique=True)
    name = models.CharField(
        max_length=100, help_text="What a user sees: on the sessions page, on the consent page."
    )
    redirect_uris = models.TextField(
        blank=True,
        help_text=(
            "One per line, compared exactly; a loopback one (http://127.0.0.1/path, http://[::1]/path) "
            "matches any port (RFC 8252 §7.3)."
        ),
    )
    first_party = models.BooleanField(
        default=False, help_text="The shop's own app: no consent page, and it may use the password grant."
    )
    grant_types = models.JSONField(default=list, help_text="Which grants it may use (GrantType's values).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "OAuth client"
        ordering = ("client_id",)

    def __str__(self):
        return f"{self.name} ({self.client_id})"

    def clean(self):
        unknown = set(self.grant_types or []) - set(self.GrantType.values)
        if not isinstance(self.grant_types, list) or unknown:
            raise ValidationError(
                {"grant_types": f"Not grant types: {sorted(unknown)}. Known: {self.GrantType.values}"}
            )
        if self.GrantType.PASSWORD in self.grant_types and not self.first_party:
            raise ValidationError({"grant_types": "Only a first-party client may use the password grant."})
        for uri in self.redirect_uri_list:
            if not rfc8252.is_registrable(uri):
                raise ValidationError(
                    {"redirect_uris": f"Not a redirect URI a native app may register: {uri}"}
                )

    @property
    def redirect_uri_list(self) -> list[str]:
        return [line.strip() for line in self.redirect_uris.splitlines() if line.strip()]

    # --- authlib's ClientMixin ----------------------------------------------

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        # RFC 6749 §3.1.2.3: with several registered, the request must name one.
        listed = self.redirect_uri_list
        return listed[0] if len(listed) == 1 else None

    def get_allowed_scope(self, scope):
        return ""  # the shop has no scopes: a token is the user's whole account

    def check_redirect_uri(self, redirect_uri):
        return any(rfc8252.matches(registered, redirect_uri) for registered in self.redirect_uri_list)

    def check_client_secret(self, client_secret):
        return False  # public clients only: there is no secret to match

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "none"  # RFC 8414's token_endpoint_auth_methods_supported: ["none"]

    def check_response_type(self, response_type):
        return response_type == "code" and self.GrantType.AUTHORIZATION_CODE in self.grant_types

    def check_grant_type(self, grant_type):
        if grant_type == self.GrantType.PASSWORD and not (self.first_party and settings.OAUTH_PASSWORD_GRANT):
            return False
        return grant_type in self.grant_types
