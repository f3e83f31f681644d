from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Login, logout, registration, the profile, re-authentication and login throttling."""

    name = "accounts"
