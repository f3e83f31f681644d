from django.contrib import admin
from django.urls import include, path

from . import views

catalog_patterns = [
    path("", views.ProductListView.as_view(), name="home"),
    path("category/<slug:slug>/", views.ProductListView.as_view(), name="category"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="product"),
]

urlpatterns = [
    path("", include((catalog_patterns, "shop"))),
    path("", include("cart.urls")),
    path("accounts/", include("accounts.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler404 = "shop.errors.page_not_found"
