import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from redis.exceptions import (
    ClusterDownError,
    ClusterError,
    RedisClusterException,
    SlotNotCoveredError,
    TryAgainError,
)

from session_state.middleware import SessionMiddleware

SESSION_COOKIE = settings.SESSION_COOKIE_NAME


def test_a_page_that_needs_the_session_answers_503_when_redis_is_down(logged_in_client, redis_down):
    response = logged_in_client.get("/accounts/profile/")

    assert response.status_code == 503
    assert "reach the session store" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_the_503_page_asks_to_retry_soon(logged_in_client, redis_down):
    response = logged_in_client.get("/accounts/profile/")

    assert response["Retry-After"] == "5"


def test_the_session_cookie_is_kept_when_redis_is_down(logged_in_client, redis_down):
    response = logged_in_client.get("/accounts/profile/")

    assert SESSION_COOKIE not in response.cookies


def test_a_login_attempt_answers_503_when_redis_is_down(client, db, redis_down):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "x"}, headers={"X-Real-IP": "192.0.2.1"}
    )

    assert response.status_code == 503


def test_a_session_that_cannot_be_saved_answers_503(db, redis_down):
    def view_that_writes_to_the_session(request):
        request.session["seen"] = True
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    response = SessionMiddleware(view_that_writes_to_the_session)(request)

    assert response.status_code == 503
    assert SESSION_COOKIE not in response.cookies


def test_pages_that_need_no_session_still_work_when_redis_is_down(client, product, redis_down):
    response = client.get("/products/enamel-camp-mug/")

    assert response.status_code == 200


def test_an_unknown_page_while_redis_is_down_is_the_503_page_not_a_500(logged_in_client, redis_down):
    response = logged_in_client.get("/no-such-page/")

    assert response.status_code == 503
    assert "reach the session store" in response.content.decode()


# On Redis Cluster, redis-py raises errors of its own while a shard has no
# primary, a slot is being moved or the cluster cannot be reached; two of
# them are not RedisError (ops.redis_cluster.REDIS_FAILURES).
CLUSTER_ERRORS = [
    SlotNotCoveredError("Slot 1234 is not covered by the cluster."),
    RedisClusterException("Redis Cluster cannot be connected."),
    ClusterDownError("CLUSTERDOWN The cluster is down"),
    TryAgainError("TRYAGAIN Multiple keys request during rehashing of slot"),
    ClusterError("TTL exhausted."),
]


@pytest.mark.parametrize("error", CLUSTER_ERRORS, ids=lambda error: type(error).__name__)
def test_a_redis_cluster_error_on_a_page_is_the_503_page(client, db, error, monkeypatch):
    monkeypatch.setattr("catalog.views.catalog_products", _raising(error))

    response = client.get("/")

    assert response.status_code == 503
    assert "reach the session store" in response.content.decode()


@pytest.mark.parametrize("error", CLUSTER_ERRORS, ids=lambda error: type(error).__name__)
def test_a_redis_cluster_error_under_the_api_is_a_json_503(client, db, error, monkeypatch):
    monkeypatch.setattr("api.endpoints.shop.catalog_page", _raising(error))

    response = client.get("/api/v1/products")

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


def _raising(error):
    def meets_the_cluster(**kwargs):
        raise error

    return meets_the_cluster
