from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, TemplateView, UpdateView

from cart.identity import units_in_cart
from cart.login import merge_anonymous_cart
from shop.demo import DEMO_PASSWORD, DEMO_USERNAME

from . import throttling, user_sessions
from .forms import EmailChangeForm, RegistrationForm, SavedAddressForm
from .models import SavedAddress
from .reauth import reauthentication_required, record_password_entry
from .user_sessions import PUBLIC_ID


class LoginView(auth_views.LoginView):
    """
    Django's LoginView with failed attempts throttled across all workers.

    Django's login() already makes it fixation-safe: it cycles the session
    key, deletes the pre-login key from Redis and keeps the session's data.
    The anonymous cart is merged into the user's just before it.
    """

    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"demo_username": DEMO_USERNAME, "demo_password": DEMO_PASSWORD}

    def post(self, request, *args, **kwargs):
        retry_after = throttling.login_retry_after(request=request, username=request.POST.get("username", ""))
        if retry_after is not None:
            return throttling.throttled_response(request, retry_after)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        merge_anonymous_cart(self.request, user=form.get_user())
        return super().form_valid(form)

    def form_invalid(self, form):
        throttling.record_failed_login(request=self.request, username=self.request.POST.get("username", ""))
        return super().form_invalid(form)


class RegisterView(CreateView):
    """Create an account and log it in at once."""

    form_class = RegistrationForm
    template_name = "accounts/register.html"

    def form_valid(self, form):
        user = form.save()
        merge_anonymous_cart(self.request, user=user)
        login(self.request, user)
        return redirect(settings.LOGIN_REDIRECT_URL)


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"


@login_required
def session_list(request):
    sessions = user_sessions.sessions_of(user_id=request.user.pk, current_public_id=request.session.get(PUBLIC_ID))
    return render(request, "accounts/sessions.html", {"sessions": sessions})


@require_GET
def current_session(request):
    """This session as JSON, for developers watching sessions work (and bench/): one Redis round trip."""
    user = request.user.get_username() if request.user.is_authenticated else None
    return JsonResponse({"user": user, "cart_units": units_in_cart(request), **user_sessions.describe(request.session)})


@require_POST
@login_required
@reauthentication_required
def end_session(request, public_id):
    if public_id == request.session.get(PUBLIC_ID):
        logout(request)
        messages.info(request, "You ended this session and are logged out.")
        return redirect("shop:home")
    if not user_sessions.end(user_id=request.user.pk, public_id=public_id):
        raise Http404("No such session.")
    messages.success(request, "That session has ended. Whoever used it is logged out.")
    return redirect("accounts:sessions")


@require_POST
@login_required
@reauthentication_required
def end_other_sessions(request):
    ended = user_sessions.end_all(user_id=request.user.pk, except_public_id=request.session.get(PUBLIC_ID))
    messages.success(request, f"Ended {ended} other session{'s' if ended != 1 else ''}.")
    return redirect("accounts:sessions")


@method_decorator(reauthentication_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """
    Django's PasswordChangeView: update_session_auth_hash() gives this session
    a new key and keeps the user logged in here; every other session of the
    user is ended at once.
    """

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_password_entry(self.request)
        ended = user_sessions.end_all(user_id=self.request.user.pk, except_public_id=self.request.session[PUBLIC_ID])
        messages.success(self.request, f"Your password is changed. {ended} other session(s) ended.")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a reset password ends every session of the user."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_sessions.end_all(user_id=form.user.pk)
        return response


@method_decorator(reauthentication_required, name="dispatch")
class EmailChangeView(LoginRequiredMixin, UpdateView):
    form_class = EmailChangeForm
    template_name = "accounts/email_change.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, "Your e-mail address is changed.")
        return super().form_valid(form)


@method_decorator(reauthentication_required, name="dispatch")
class SavedAddressView(LoginRequiredMixin, UpdateView):
    """The address kept in the account: seeing it or changing it asks for the password when it is old."""

    form_class = SavedAddressForm
    template_name = "accounts/saved_address.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return SavedAddress.objects.filter(user=self.request.user).first() or SavedAddress(user=self.request.user)

    def form_valid(self, form):
        messages.success(self.request, "Your address is saved.")
        return super().form_valid(form)
