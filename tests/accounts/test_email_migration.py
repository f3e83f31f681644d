"""
One account per e-mail address (accounts/migrations/0002_one_account_per_email.py):
an address several accounts shared before is left to one of them, then a
unique index on LOWER(email) refuses a second account with it.

The tests of the migration itself undo it (back to accounts 0001), make
accounts as they were before, and migrate forward again: they need a
database outside a test's transaction (SQLite's schema editor refuses to
run inside one), so they run last, and the database is emptied after each.
"""

import datetime as dt
import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from accounts import emails

BEFORE = [("accounts", "0001_initial")]
NOW = timezone.now()


def migrate_to_the_end():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_user_model(transactional_db):
    """auth.User as it was before the migration, whose database it is now; migrated to the end after the test."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    yield executor.loader.project_state(BEFORE, at_end=True).apps.get_model("auth", "User")
    migrate_to_the_end()


def account(user_model, username, email, *, joined_days_ago=100, last_login_days_ago=None, active=True):
    return user_model.objects.create(
        username=username,
        email=email,
        password=make_password("a-sturdy-passphrase-81"),
        date_joined=NOW - dt.timedelta(days=joined_days_ago),
        last_login=None if last_login_days_ago is None else NOW - dt.timedelta(days=last_login_days_ago),
        is_active=active,
    )


def addresses():
    return dict(get_user_model().objects.values_list("username", "email"))


def test_a_shared_address_stays_with_the_account_that_logged_in_last(old_user_model):
    account(old_user_model, "early", "Sam@example.com", joined_days_ago=300, last_login_days_ago=30)
    account(old_user_model, "recent", "sam@example.com", joined_days_ago=20, last_login_days_ago=1)
    account(old_user_model, "never", "SAM@EXAMPLE.COM", joined_days_ago=400)

    migrate_to_the_end()

    assert addresses() == {"early": "", "recent": "sam@example.com", "never": ""}


def test_between_accounts_that_never_logged_in_the_oldest_keeps_the_address(old_user_model):
    account(old_user_model, "younger", "kim@example.com", joined_days_ago=3)
    account(old_user_model, "older", "Kim@example.com", joined_days_ago=9)

    migrate_to_the_end()

    assert addresses() == {"younger": "", "older": "Kim@example.com"}


def test_an_active_account_keeps_the_address_before_an_inactive_one_that_logged_in_later(old_user_model):
    account(old_user_model, "closed", "lee@example.com", last_login_days_ago=1, active=False)
    account(old_user_model, "open", "LEE@example.com", last_login_days_ago=50)

    migrate_to_the_end()

    assert addresses() == {"closed": "", "open": "LEE@example.com"}


def test_accounts_with_an_address_of_their_own_or_none_keep_it(old_user_model):
    account(old_user_model, "ann", "ann@example.com")
    account(old_user_model, "ben", "ben@example.com")
    account(old_user_model, "nobody", "")
    account(old_user_model, "no-one", "")

    migrate_to_the_end()

    assert addresses() == {"ann": "ann@example.com", "ben": "ben@example.com", "nobody": "", "no-one": ""}


def test_the_migration_logs_each_account_whose_address_it_took_and_who_kept_it(old_user_model, caplog):
    kept = account(old_user_model, "kept", "pat@example.com", last_login_days_ago=1)
    taken = account(old_user_model, "taken", "PAT@example.com", last_login_days_ago=2)

    with caplog.at_level(logging.WARNING, logger="accounts.migrations"):
        migrate_to_the_end()

    assert [record.getMessage() for record in caplog.records if record.name == "accounts.migrations"] == [
        f"E-mail address taken from user taken (id {taken.pk}): user kept (id {kept.pk}) keeps it."
    ]


def test_after_the_migration_a_reset_for_a_once_shared_address_sends_one_mail(old_user_model):
    for n, email in enumerate(["jo@example.com", "Jo@example.com", "JO@EXAMPLE.COM"]):
        account(old_user_model, f"jo{n}", email, last_login_days_ago=n + 1)
    migrate_to_the_end()

    response = Client(headers={"X-Real-IP": "198.51.100.70"}).post(
        "/accounts/password/reset/", {"email": "jo@example.com"}
    )

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["jo@example.com"]]


def test_after_every_migration_the_database_refuses_a_second_account_with_an_address_in_another_case(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create_user(username="alias", email="ALICE@Example.com")

    assert get_user_model().objects.count() == 1


def test_after_every_migration_the_unique_index_is_in_the_database(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, get_user_model()._meta.db_table)

    assert constraints[emails.UNIQUE_EMAIL_INDEX]["unique"]


def test_any_number_of_accounts_may_have_no_address(db):
    for username in ("one", "two", "three"):
        get_user_model().objects.create_user(username=username, email="")

    assert get_user_model().objects.filter(email="").count() == 3
