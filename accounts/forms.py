from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, UserChangeForm, UserCreationForm
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import loader

from . import emails, throttling
from .models import SavedAddress


class UniqueEmailMixin:
    """
    A user's form whose e-mail address may be no other account's, compared
    case-insensitively (accounts.emails): refused as a taken username is.
    """

    def clean_email(self):
        email = self.cleaned_data["email"]
        if emails.taken(email, by_other_than=self.instance.pk):
            raise forms.ValidationError(emails.TAKEN, code="unique")
        return email

    def save_unless_taken(self):
        """
        save(), or None when the database refused what the form's questions
        let through: another request took the address (or the username)
        between them and this save, and the unique index (or column) caught
        it. The form then has the error it would have had a moment later,
        and no 500 is answered.
        """
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError:
            if not self.add_errors_of_a_lost_race():
                raise
            return None

    def add_errors_of_a_lost_race(self) -> bool:
        """Add the error of what is taken now; whether anything is."""
        if not emails.taken(self.cleaned_data["email"], by_other_than=self.instance.pk):
            return False
        self.add_error("email", forms.ValidationError(emails.TAKEN, code="unique"))
        return True


class RegistrationForm(UniqueEmailMixin, UserCreationForm):
    """Django's UserCreationForm (username, password1, password2) plus an e-mail, no other account's."""

    email = forms.EmailField(required=True, help_text="For order confirmations.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def add_errors_of_a_lost_race(self) -> bool:
        username_taken = self._meta.model._default_manager.filter(
            username__iexact=self.cleaned_data["username"]
        ).exists()
        if username_taken:
            error = self.instance.unique_error_message(self._meta.model, ["username"])
            self.add_error("username", error)
        return super().add_errors_of_a_lost_race() or username_taken


class ReauthenticationForm(forms.Form):
    """The logged-in user's password, once more."""

    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password


class EmailChangeForm(UniqueEmailMixin, forms.ModelForm):
    """The user's own e-mail address: no other account's (their own in another case is theirs)."""

    class Meta:
        model = get_user_model()
        fields = ("email",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class ShopUserChangeForm(UniqueEmailMixin, UserChangeForm):
    """The admin's form for a user (Django's), refusing an address another account has (a blank one is nobody's)."""


class SavedAddressForm(forms.ModelForm):
    class Meta:
        model = SavedAddress
        fields = ("full_name", "address", "city", "postal_code", "country")


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """
    Django's PasswordChangeForm; its old password is a password check like a
    login's, counted and refused alike (accounts.throttling). A refused one
    leaves retry_after set, for the view to answer 429.
    """

    def __init__(self, user, *args, address: str = "", **kwargs):
        super().__init__(user, *args, **kwargs)
        self.address = address
        self.retry_after = None

    def clean_old_password(self):
        try:
            reservation = throttling.reserve_password_check(
                username=self.user.get_username(), address=self.address
            )
        except throttling.PasswordChecksUsedUp as used_up:
            self.retry_after = used_up.retry_after
            raise forms.ValidationError(
                "Too many attempts. Please wait and try again.", code="throttled"
            ) from None
        old_password = super().clean_old_password()
        reservation.give_back()
        return old_password


class EvenPasswordResetForm(PasswordResetForm):
    """
    Django's PasswordResetForm, doing the same work for an address no
    account has as for one that has: the e-mail is made for a stand-in user
    (a token, its templates rendered) and only not sent. Otherwise the
    answer took measurably longer for a known address, and so told whether
    it had an account.
    """

    def get_users(self, email):
        users = list(super().get_users(email))
        if users:
            return users
        user_model = get_user_model()
        stand_in = user_model(**{user_model.get_email_field_name(): email, "password": "!stand-in"})
        stand_in.is_stand_in = True
        return [stand_in]

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        if not getattr(context["user"], "is_stand_in", False):
            return super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email, **kwargs
            )
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        # Made whole (as a backend would, to send it), then dropped.
        EmailMultiAlternatives(subject, body, from_email, [to_email]).message().as_bytes()
        return None
