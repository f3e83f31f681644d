"""
Re-authentication before sensitive actions (OWASP ASVS 3.7.1).

A session remembers when its user last typed their password (at login, and
at each re-authentication). Changing the password or the e-mail address and
ending sessions ask for it again once that is longer ago than REAUTH_AFTER.
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

from .user_sessions import PASSWORD_AT


def password_is_recent(request) -> bool:
    return time.time() - request.session.get(PASSWORD_AT, 0) < settings.REAUTH_AFTER


def record_password_entry(request) -> None:
    """The user just typed their password: a new session key, and the clock restarts."""
    request.session.cycle_key()
    request.session[PASSWORD_AT] = time.time()


def reauthentication_required(view):
    """Send a user whose password entry is not recent to re-enter it, then back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Logged-out visitors are the view's own login_required's to handle.
        if not request.user.is_authenticated or password_is_recent(request):
            return view(request, *args, **kwargs)
        # After a POST, come back to the page the form was on, not to the
        # action itself (a redirect cannot repeat a POST).
        back_to = request.path if request.method == "GET" else request.POST.get("next") or "/accounts/sessions/"
        return redirect_to_login(back_to, login_url="accounts:reauthenticate")

    return wrapper
