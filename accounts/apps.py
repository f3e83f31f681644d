from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Login, logout, registration, and everything about sessions."""

    name = "accounts"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the login and logout receivers)
