"""
A session engine with the mistake of session fixation: the id a browser
brings to the login page stays its id once logged in.

Django's login() calls cycle_key() to give the session a new id; here it
keeps the old one. Django's cache engine otherwise (on the shop's sessions
Redis, as shop.settings.comparison sets it up), so that nothing of the
shop's own engine renews the id behind the mistake's back: the shop's
engine moves a session to an id with its user's tag at login
(session_state.receivers), another engine's is left as it is.
"""

from django.contrib.sessions.backends.cache import SessionStore as DjangoCacheSessionStore


class SessionStore(DjangoCacheSessionStore):
    def cycle_key(self):
        """The mistake: the data becomes the logged-in user's under the id the browser came with."""
