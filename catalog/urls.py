from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.ProductListView.as_view(), name="home"),
    path("category/<slug:slug>/", views.ProductListView.as_view(), name="category"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="product"),
]
