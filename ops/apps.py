from django.apps import AppConfig


class OpsConfig(AppConfig):
    """
    Running the shop: /healthz, the 503 page when Redis or the database does
    not answer, X-Served-By on every response, and the system checks on the
    Redis the shop is given.
    """

    name = "ops"

    def ready(self):
        from . import checks  # noqa: F401  (registers the Redis checks)
