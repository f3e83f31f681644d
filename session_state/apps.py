from django.apps import AppConfig


class SessionStateConfig(AppConfig):
    """
    Everything about a session: the store, its fields, the Redis key layout
    of everything it names, both timeouts, the index of a user's sessions,
    the session middleware, and what happens at login and logout. Other
    apps call its public modules (sessions, user_sessions, api_logins,
    inspection) and never reach around them.
    """

    name = "session_state"
    # Not "sessions": that is django.contrib.sessions' label.
    label = "session_state"
    verbose_name = "Session state"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the login and logout receivers)
