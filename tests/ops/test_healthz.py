import json
import time
from types import SimpleNamespace

# The stack's own address, as nginx tells the shop (the client fixture's
# is a public one): it is told each dependency's status.
FROM_THE_STACK = {"HTTP_X_REAL_IP": "127.0.0.1"}


def test_healthz_answers_200_when_redis_and_the_database_answer(client, db):
    response = client.get("/healthz", **FROM_THE_STACK)

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "redis": "ok", "database": "ok"}


def test_healthz_answers_503_and_names_redis_when_redis_is_down(client, db, redis_down):
    response = client.get("/healthz", **FROM_THE_STACK)

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "redis": "down", "database": "ok"}


def test_healthz_answers_503_when_the_clocks_of_redis_and_this_server_disagree(
    client, db, settings, monkeypatch
):
    # The deadlines of adds to carts compare the two clocks (cart.storage).
    ahead = settings.REDIS_CHANGE_DEADLINE
    monkeypatch.setattr("ops.health.time", SimpleNamespace(time=lambda: time.time() + ahead))

    response = client.get("/healthz", **FROM_THE_STACK)

    assert response.status_code == 503
    assert json.loads(response.content)["redis"] == f"clock off by {-ahead:+.2f} s"


def test_healthz_tells_another_address_ok_and_nothing_more(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_healthz_tells_another_address_unavailable_without_naming_what_is_down(client, db, redis_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable"}
