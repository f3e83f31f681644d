from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_login
from ops.views import healthz

urlpatterns = [
    path("", include("catalog.urls")),
    path("cart/", include("cart.urls")),
    path("", include("orders.urls")),
    path("accounts/", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    # The admin's login, its password checks throttled like every other's.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

handler404 = "ops.errors.page_not_found"
