from django.apps import AppConfig


class LabConfig(AppConfig):
    """
    The session lab, /lab/: a visitor watches their own session live while
    they use the shop in another tab (which worker served each request, the
    session as stored, its clocks, its cookie, the Redis round trips each
    request cost, its life so far), beside the design's four diagrams.

    On only where SESSION_LAB is set (the local stack sets it); its
    recording costs nothing to a browser that never opened it.
    """

    name = "lab"

    def ready(self):
        from . import receivers  # noqa: F401  (notes logins and logouts in the requests the lab watches)
