"""
One account per e-mail address, compared case-insensitively: a unique
index on UPPER(email) of Django's auth_user, blank addresses left out.

First, an address several accounts share (in any case) is left to one of
them, and taken from the others (their e-mail set blank):

1. an active account before an inactive one (a password reset mails
   active accounts only);
2. then the one that logged in most recently (one that never did, last);
3. then the oldest (date_joined), then the lowest id.

Each account whose address was taken is logged (logger
"accounts.migrations", a warning: its id and username, and the id and
username of the account that kept the address; not the address itself),
so that its owner can be asked for another address. Reversing the
migration drops the index and gives no address back. (docs/architecture.md,
"One account per e-mail address".)

Why an index made here and not a constraint on the model: auth.User is
Django's, not the shop's (AUTH_USER_MODEL is unset), and an app's
migration can change only its own models' state; swapping in a user model
of the shop's own is a migration of every table that points at a user,
out of proportion to one index. So the index is declared as the
UniqueConstraint it would be on the model and made by Django's schema
editor, which writes it for the database at hand (CREATE UNIQUE INDEX ...
ON "auth_user" (UPPER("email")) WHERE NOT ("email" = ''), the same on
SQLite and PostgreSQL). UPPER(), not LOWER(): it is the comparison of
Django's iexact lookup on PostgreSQL, with which Django's password reset
finds an address's accounts, so that it finds one at most.

Django's model state does not know of the index: no makemigrations drops
or repeats it, but a future migration of Django's own that rebuilds
auth_user on SQLite (an AlterField there remakes the table) would drop it
silently; tests/accounts/test_email_migration.py checks, after all
migrations, that it is still there.
"""

import logging

from django.db import migrations
from django.db.models import Count, F, Q, UniqueConstraint
from django.db.models.functions import Upper

logger = logging.getLogger("accounts.migrations")

INDEX = "accounts_user_email_unique_ci"


def _unique_email():
    return UniqueConstraint(Upper("email"), condition=~Q(email=""), name=INDEX)


def leave_each_address_to_one_account(apps, schema_editor):
    User = apps.get_model("auth", "User")
    users = (
        User.objects.using(schema_editor.connection.alias).exclude(email="").annotate(address=Upper("email"))
    )
    counted = users.values("address").annotate(accounts=Count("pk"))
    shared = list(counted.filter(accounts__gt=1).values_list("address", flat=True))
    for address in shared:
        keeper, *others = users.filter(address=address).order_by(
            F("is_active").desc(), F("last_login").desc(nulls_last=True), "date_joined", "pk"
        )
        for other in others:
            logger.warning(
                "E-mail address taken from user %s (id %s): user %s (id %s) keeps it.",
                other.username,
                other.pk,
                keeper.username,
                keeper.pk,
            )
        User.objects.using(schema_editor.connection.alias).filter(
            pk__in=[other.pk for other in others]
        ).update(email="")


def add_index(apps, schema_editor):
    schema_editor.add_constraint(apps.get_model("auth", "User"), _unique_email())


def remove_index(apps, schema_editor):
    schema_editor.remove_constraint(apps.get_model("auth", "User"), _unique_email())


class Migration(migrations.Migration):
    dependencies = (
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    )

    operations = (
        migrations.RunPython(leave_each_address_to_one_account, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(add_index, remove_index, elidable=False),
    )
