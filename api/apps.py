from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API for mobile clients, under /api/v1/: endpoints only; tokens are session_state's."""

    name = "api"
