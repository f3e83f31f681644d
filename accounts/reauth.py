"""
Re-authentication before sensitive actions (OWASP ASVS 3.7.1).

A session remembers when its user last typed their password (at login, and
at each re-authentication). Changing the password or the e-mail address,
the saved address, and ending sessions ask for it again once that is longer
ago than REAUTH_AFTER.

The password is asked for at the action's own URL, and the action then goes
on: a GET page is shown, a POST (say, "end this session") is carried out
with the fields it was first sent with. No redirect can repeat a POST, so
the form carries them along.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers

from ops.clients import client_address
from session_state import sessions

from . import throttling
from .forms import ReauthenticationForm

PASSWORD_FIELD = "reauth_password"
METHOD_FIELD = "reauth_method"


def password_is_recent(request) -> bool:
    return sessions.seconds_since_password(request.session) < settings.REAUTH_AFTER


def record_password_entry(request) -> None:
    """The user just typed their password: a new session key, and the clock restarts."""
    sessions.record_password_entry(request.session)


def reauthentication_required(view):
    """Ask for the password at this URL unless it was typed recently, then go on."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Logged-out visitors are the view's own login_required's to handle.
        if not request.user.is_authenticated or password_is_recent(request):
            return view(request, *args, **kwargs)
        if request.method == "POST" and PASSWORD_FIELD in request.POST:
            answer = check_password(request)
            if answer is not None:
                return answer
            if request.POST.get(METHOD_FIELD) == "GET":
                return redirect(request.get_full_path())
            return view(request, *args, **kwargs)
        return _ask_for_password(request, ReauthenticationForm(request.user))

    return wrapper


def check_password(request):
    """None when the password is right (and recorded); otherwise the page to show."""
    # The same counts as login: a stolen session must not become a way to
    # guess the password without limit.
    try:
        reservation = throttling.reserve_password_check(
            username=request.user.get_username(), address=client_address(request)
        )
    except throttling.PasswordChecksUsedUp as used_up:
        return throttling.throttled_response(request, used_up.retry_after)
    form = ReauthenticationForm(request.user, {"password": request.POST[PASSWORD_FIELD]})
    if not form.is_valid():
        return _ask_for_password(request, form)
    reservation.give_back()
    record_password_entry(request)
    return None


def _ask_for_password(request, form):
    original_method = request.POST.get(METHOD_FIELD, request.method) if request.method == "POST" else "GET"
    carried = {}
    if request.method == "POST":
        carried = {
            name: value
            for name, value in request.POST.items()
            if name not in ("csrfmiddlewaretoken", PASSWORD_FIELD, METHOD_FIELD)
        }
    # Passwords typed into the form that was interrupted are never written
    # into this page; that form is shown again instead, to be filled anew.
    if any("password" in name for name in carried):
        carried, original_method = {}, "GET"
    context = {"form": form, "carried": carried, "original_method": original_method}
    response = render(request, "accounts/reauthenticate.html", context)
    add_never_cache_headers(response)
    return response
