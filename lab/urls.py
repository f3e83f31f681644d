from django.urls import path

from . import views

app_name = "lab"

urlpatterns = [
    path("", views.lab_page, name="page"),
    path("feed", views.feed, name="feed"),
]
