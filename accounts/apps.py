from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Login, logout, registration, and everything about sessions."""

    name = "accounts"
