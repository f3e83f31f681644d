from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, TemplateView, UpdateView

from ops.clients import client_address
from session_state import sessions, user_sessions
from session_state.oauth import endpoints as oauth

from . import throttling
from .forms import (
    EmailChangeForm,
    EvenPasswordResetForm,
    RegistrationForm,
    SavedAddressForm,
    ThrottledPasswordChangeForm,
)
from .models import SavedAddress
from .reauth import PASSWORD_FIELD, check_password, reauthentication_required


class LoginView(auth_views.LoginView):
    """
    Django's LoginView; its password checks are throttled across all workers
    (accounts.backends.ThrottledModelBackend), and one refused answers 429.

    Django's login() already makes it fixation-safe: it cycles the session
    key, deletes the pre-login key from Redis and keeps the session's data
    (session_state then gives it the user's tag, and the cart merges the
    visitor's cart).
    """

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return _throttled(self.request) or super().form_invalid(form)

    def render_to_response(self, context, **response_kwargs):
        # On the way to an app (next is OAuth's authorization endpoint), the
        # login's submission ends at the app's redirect URI: the form may go there.
        return _forms_may_reach(
            super().render_to_response(context, **response_kwargs),
            oauth.app_origin_of(self.get_redirect_url()),
        )


class LogoutView(auth_views.LogoutView):
    """
    Django's LogoutView (POST only; it flushes the session, which ends it in
    Redis), telling the browser to drop what it cached of the shopper's
    pages too, its back/forward cache included.
    """

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Messages ride in their own cookie, so this outlives the session.
        messages.info(request, "You are logged out. See you soon!")
        return _clearing_the_browsers_cache(response)


def _clearing_the_browsers_cache(response):
    """A logout's response: the browser drops what it cached of the shopper's pages."""
    response["Clear-Site-Data"] = '"cache"'
    return response


def admin_login(request, **kwargs):
    """The admin's login (admin.site.login), answering 429 as the shop's does once its password checks are used up."""
    response = admin.site.login(request, **kwargs)
    return _throttled(request) or response


def _counted(request, *, action: str, target: str):
    """None once the request is counted (accounts.throttling.count_request); the 429 page past a limit."""
    try:
        throttling.count_request(action=action, address=client_address(request), target=target)
    except throttling.UsedUp as used_up:
        return throttling.throttled_response(request, used_up.retry_after, action=action)
    return None


def _throttled(request):
    retry_after = getattr(request, "password_checks_used_up", None)
    return None if retry_after is None else throttling.throttled_response(request, retry_after)


class RegisterView(CreateView):
    """
    Create an account and log it in at once. Every attempt counts, refused
    ones too (a taken username, a taken e-mail address, a mismatched
    password), before the form is read: so many a client address and an
    e-mail address may make per hour, and past that a taken username
    answers the same 429 as a free one. So the form answers "is this name
    taken?" (and "is this address?") only that many times per address.
    """

    form_class = RegistrationForm
    template_name = "accounts/register.html"

    def post(self, request, *args, **kwargs):
        refused = _counted(request, action="registration", target=request.POST.get("email", ""))
        return refused or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.save_unless_taken()
        if user is None:  # taken meanwhile by another registration
            return self.form_invalid(form)
        login(self.request, user)
        messages.success(
            self.request, f"Welcome to Hearth & Home, {user.get_username()}! Your account is ready."
        )
        return redirect(settings.LOGIN_REDIRECT_URL)


class PasswordResetView(auth_views.PasswordResetView):
    """
    Django's PasswordResetView: its link goes to the shop's public address
    (SHOP_PUBLIC_URL), never to the request's Host; so many resets a
    client address and an e-mail address may ask for per hour (each sends
    an e-mail); and an address without an account costs the same work
    (accounts.forms.EvenPasswordResetForm).
    """

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    form_class = EvenPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"shop_url": settings.SHOP_PUBLIC_URL}

    def form_valid(self, form):
        refused = _counted(self.request, action="password-reset", target=form.cleaned_data["email"])
        if refused is not None:
            return refused
        return super().form_valid(form)


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"


@login_required
def session_list(request):
    listed = user_sessions.sessions_of(user=request.user, current=request.session)
    return render(request, "accounts/sessions.html", {"sessions": listed})


@require_GET
def current_session(request):
    """This session as JSON, for developers watching sessions work (and bench/): one Redis round trip."""
    user = request.user.get_username() if request.user.is_authenticated else None
    return JsonResponse(
        {"user": user, "cart_units": request.cart.units, **sessions.describe(request.session)}
    )


@require_POST
@login_required
@reauthentication_required
def end_session(request, public_id):
    if public_id == sessions.public_id_of(request.session):
        logout(request)
        messages.info(request, "You ended this session and are logged out.")
        return _clearing_the_browsers_cache(redirect("catalog:home"))
    if not user_sessions.end_session(user=request.user, public_id=public_id):
        raise Http404("No such session.")
    messages.success(request, "That session has ended. Whoever used it is logged out.")
    return redirect("accounts:sessions")


@require_POST
@login_required
@reauthentication_required
def end_other_sessions(request):
    ended = user_sessions.end_all_sessions(user=request.user, except_session=request.session)
    messages.success(request, _other_sessions_ended(ended))
    return redirect("accounts:sessions")


def _other_sessions_ended(count: int) -> str:
    if not count:
        return "You had no other session open."
    return ngettext("%(count)d other session was ended.", "%(count)d other sessions were ended.", count) % {
        "count": count
    }


@method_decorator(reauthentication_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """
    Django's PasswordChangeView: update_session_auth_hash() gives this session
    a new key and keeps the user logged in here; every other session of the
    user is ended at once.
    """

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "address": client_address(self.request)}

    def form_invalid(self, form):
        if form.retry_after is not None:
            return throttling.throttled_response(self.request, form.retry_after)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)  # update_session_auth_hash(): a new session id
        sessions.note_password_entry(self.request.session)
        ended = user_sessions.end_all_sessions(user=self.request.user, except_session=self.request.session)
        messages.success(self.request, f"Your password is changed. {_other_sessions_ended(ended)}")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a reset password ends every session of the user."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_sessions.end_all_sessions(user=form.user)
        return response


@method_decorator(reauthentication_required, name="dispatch")
class EmailChangeView(LoginRequiredMixin, UpdateView):
    """
    The user's e-mail address, no other account's. The answer tells whether
    an address is taken, as a registration's does, so each attempt spends
    one of the same counts (per client address, per e-mail address):
    otherwise one account could ask about any number of addresses.
    """

    form_class = EmailChangeForm
    template_name = "accounts/email_change.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def post(self, request, *args, **kwargs):
        refused = _counted(request, action="registration", target=request.POST.get("email", ""))
        return refused or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if form.save_unless_taken() is None:  # taken meanwhile by another account
            return self.form_invalid(form)
        messages.success(self.request, "Your e-mail address is changed.")
        return redirect(self.get_success_url())


@method_decorator(reauthentication_required, name="dispatch")
class SavedAddressView(LoginRequiredMixin, UpdateView):
    """The address kept in the account: seeing it or changing it asks for the password when it is old."""

    form_class = SavedAddressForm
    template_name = "accounts/saved_address.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return SavedAddress.objects.filter(user=self.request.user).first() or SavedAddress(
            user=self.request.user
        )

    def form_valid(self, form):
        messages.success(self.request, "Your address is saved.")
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def authorize(request):
    """
    The OAuth authorization endpoint (RFC 6749 §3.1): an app opens it in
    the system browser to sign its user in through the shop's own login
    (RFC 8252), and gets a code back at its redirect URI. The protocol is
    session_state.oauth's; this view asks the user what it must:

    - logged out: the login page, and back here (prompt and max_age then
      met by the password just typed);
    - prompt=login, or max_age passed: the password again;
    - another company's app: consent (the shop's own app needs none).

    An unknown client or a redirect URI that is not the client's is
    answered here, on a page, never by a redirect (§4.1.2.1).
    """
    try:
        authorization = oauth.authorization(request)
    except oauth.UnsafeRedirect as error:
        response = render(
            request, "accounts/authorize_error.html", {"description": error.description}, status=400
        )
        add_never_cache_headers(response)
        return response
    except oauth.AuthorizationRefused as refused:
        return refused.response
    if not request.user.is_authenticated:
        return redirect_to_login(_without_reauthentication(request))
    if request.method == "POST" and request.POST.get("decision") == "deny":
        return authorization.deny()  # no password needed to say no
    typed_now = False
    if request.method == "POST" and PASSWORD_FIELD in request.POST:
        refused = check_password(request)
        if refused is not None:
            return _forms_may_reach(refused, authorization.app_origin)  # asked again, at this URL
        typed_now = True
    password_needed = authorization.needs_password(request.session) and not typed_now
    decided = request.method == "POST" and request.POST.get("decision") in ("allow", "deny")
    if password_needed or not (authorization.first_party or decided):
        response = render(
            request,
            "accounts/authorize.html",
            {"authorization": authorization, "password_needed": password_needed},
        )
        add_never_cache_headers(response)
        return _forms_may_reach(response, authorization.app_origin)
    return authorization.approve(user=request.user)


def _forms_may_reach(response, app_origin: str | None):
    """
    Let the page's forms end at the app (CSP form-action): Chromium holds
    the redirects a form submission leads to, here to the app's redirect
    URI, to the form-action of the page the form was on.
    """
    if app_origin is not None:
        response._csp_update = {"form-action": [app_origin]}  # django-csp: added to the settings' 'self'
    return response


def _without_reauthentication(request) -> str:
    """This URL without prompt and max_age: the login about to happen types the password."""
    query = request.GET.copy()
    for name in ("prompt", "max_age"):
        query.pop(name, None)
    return f"{request.path}?{query.urlencode()}"
