"""
One account per e-mail address, compared case-insensitively.

The users are Django's auth.User, whose model the shop does not own, so the
rule lives in the database: a unique index on UPPER(email), blank addresses
left out, made by the accounts app's migration 0002 (which first takes a
shared address from all but one of its accounts). UPPER() is the
comparison of Django's iexact lookup on PostgreSQL (on SQLite both fold
ASCII letters only), which Django's own forms use: so the password reset's
get_users(), which finds the accounts of an address with iexact, finds one
at most. The forms ask first, with the same lookup, so that a taken address
is a form error; the index catches what they cannot see, another request's
account committed between the question and the save (a race), which the
forms turn into the same error (accounts.forms.UniqueEmailMixin).
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

# Its name in the database, from migration 0002 (a test checks that it is there).
UNIQUE_EMAIL_INDEX = "accounts_user_email_unique_ci"

TAKEN = "A user with that e-mail address already exists."


def users_with(email: str) -> QuerySet:
    """
    The users whose address is this one, compared as the unique index
    compares (iexact: UPPER() on both sides, on PostgreSQL): at most one. A
    blank address is nobody's.
    """
    user_model = get_user_model()
    field = user_model.get_email_field_name()
    # The exclude also lets PostgreSQL use the partial index.
    return user_model._default_manager.filter(**{f"{field}__iexact": email}).exclude(**{field: ""})


def taken(email: str, *, by_other_than=None) -> bool:
    """Whether an account (other than the user with pk by_other_than) has this address."""
    if not email:
        return False
    users = users_with(email)
    if by_other_than is not None:
        users = users.exclude(pk=by_other_than)
    return users.exists()
