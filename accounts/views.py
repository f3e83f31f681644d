import math

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.views.generic import CreateView, TemplateView

from cart.login import merge_anonymous_cart
from shop.demo import DEMO_PASSWORD, DEMO_USERNAME

from . import throttling
from .forms import RegistrationForm


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
        retry_after = throttling.login_retry_after(request=request)
        if retry_after is not None:
            context = {"retry_minutes": math.ceil(retry_after / 60)}
            response = render(request, "429.html", context, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        merge_anonymous_cart(self.request, user=form.get_user())
        return super().form_valid(form)

    def form_invalid(self, form):
        throttling.record_failed_login(request=self.request)
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
