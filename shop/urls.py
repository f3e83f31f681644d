from django.contrib import admin
from django.urls import include, path

from . import views

shop_patterns = [
    path("", views.home, name="home"),
    path("products/<slug:slug>/", views.product_detail, name="product"),
]

urlpatterns = [
    path("", include((shop_patterns, "shop"))),
    path("accounts/", include("accounts.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
