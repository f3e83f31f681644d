from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import admin_login, authorize
from api.views import authorization_server_metadata, jwks, problem_type
from ops.views import healthz

urlpatterns = [
    path("", include("catalog.urls")),
    path("cart/", include("cart.urls")),
    path("", include("orders.urls")),
    path("accounts/", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("api/", include("api.urls")),
    # OAuth's authorization endpoint (RFC 6749 §3.1): a page of the web
    # login, with the browser's session; the token endpoint is the API's.
    path("oauth/authorize", authorize, name="oauth_authorize"),
    # RFC 8414's metadata, and the keys that verify access tokens (RFC 7517).
    path(".well-known/oauth-authorization-server", authorization_server_metadata, name="oauth_metadata"),
    path(".well-known/jwks.json", jwks, name="jwks"),
    # What each kind of the API's errors means: the pages their type URIs name (api.problems).
    path("problems/<slug:code>", problem_type, name="problem-type"),
    # The admin's login, its password checks throttled like every other's;
    # its password change is the shop's, whose old password is throttled too
    # (and which asks for the password again, and ends the other sessions).
    path("admin/login/", admin_login),
    path("admin/password_change/", RedirectView.as_view(pattern_name="accounts:password_change")),
    path("admin/", admin.site.urls),
]

handler404 = "ops.errors.page_not_found"

if settings.SESSION_LAB:
    urlpatterns.append(path(settings.SESSION_LAB_PATH.strip("/") + "/", include("lab.urls")))
