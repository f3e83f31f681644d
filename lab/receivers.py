"""Logins and logouts, noted in the request the lab is watching (lab.middleware)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="lab.note_login")
def note_login(sender, request, user, **kwargs):
    if hasattr(request, "lab_events"):
        request.lab_events.append("logged in")


@receiver(user_logged_out, dispatch_uid="lab.note_logout")
def note_logout(sender, request, user, **kwargs):
    if hasattr(request, "lab_events"):
        request.lab_events.append("logged out")
