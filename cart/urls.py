from django.urls import path

from . import views

app_name = "cart"

urlpatterns = [
    path("cart/", views.cart_detail, name="detail"),
    path("cart/add/<int:product_id>/", views.add, name="add"),
    path("cart/update/<int:product_id>/", views.update, name="update"),
    path("cart/remove/<int:product_id>/", views.remove, name="remove"),
    path("cart/clear/", views.clear, name="clear"),
    path("cart/summary/", views.summary, name="summary"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
]
