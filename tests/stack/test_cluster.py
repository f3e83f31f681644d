"""
The shop on a real Redis Cluster (tests/conftest.py: cluster_stack), through
nginx, across two app servers: what a shopper does on one Redis works the
same on six, including what crosses slots (a visitor's cart merged into a
user's at login).
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from redis.cluster import ClusterNode, RedisCluster

from session_state import keys
from tests.stack.products import create_test_products
from tests.stack.shopper import Shopper, workers_that_served

pytestmark = pytest.mark.stack

PASSWORD = "sturdy-kettle-93"


@pytest.fixture(scope="module")
def products(cluster_stack):
    return create_test_products(cluster_stack)


@pytest.fixture(scope="module")
def cluster(cluster_stack):
    client = RedisCluster(
        startup_nodes=[ClusterNode(*address.rsplit(":", 1)) for address in cluster_stack.cluster_addresses()],
        decode_responses=True,
    )
    yield client
    client.close()


@pytest.fixture
def account(cluster_stack, request):
    username = f"cl-{request.node.name[-40:]}"[:150]
    Shopper(cluster_stack).register(username, PASSWORD)
    return username, PASSWORD


def in_parallel(count, call, workers=16):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(call, range(count)))


def cart_count(shopper) -> int:
    return shopper.get("/cart/summary/").json()["count"]


def two_dishes_on_another_device_and_three_in_a_visitors_cart(
    stack, account, products
) -> tuple[Shopper, Shopper]:
    """(the account logged in on another device, 2 dishes in its cart; a visitor, not logged in, with 3)."""
    dish = products["double-dish"]
    other_device = Shopper(stack)
    other_device.login(*account)
    other_device.post(f"/cart/add/{dish}/", {"quantity": 2})
    visitor = Shopper(stack)
    visitor.post(f"/cart/add/{dish}/", {"quantity": 3})
    return other_device, visitor


def test_the_cluster_has_three_primaries_each_with_a_replica_and_every_slot_served(cluster_stack, cluster):
    nodes = cluster.cluster_nodes()
    primaries = [node for node in nodes.values() if "master" in node["flags"]]
    replicas = [node for node in nodes.values() if "slave" in node["flags"]]

    assert (len(primaries), len(replicas)) == (3, 3)
    assert int(cluster.cluster_info()["cluster_slots_ok"]) == 16384
    assert cluster_stack.health() == (200, '{"status": "ok", "redis": "ok", "database": "ok"}')


def test_a_shopper_logged_in_on_one_worker_is_logged_in_on_every_worker_of_both_app_servers(
    cluster_stack, account
):
    shopper = Shopper(cluster_stack)
    shopper.login(*account)

    responses = in_parallel(40, lambda _n: shopper.get("/accounts/profile/"), workers=4)

    assert all(response.status_code == 200 for response in responses)
    assert all(f'<dd class="username">{account[0]}</dd>' in response.text for response in responses)
    assert len(set(workers_that_served(cluster_stack, responses)) - {None}) >= 3


def test_a_session_and_its_users_keys_live_on_the_cluster_under_the_users_tag(
    cluster_stack, account, cluster
):
    shopper = Shopper(cluster_stack)
    shopper.login(*account)
    tag = keys.tag_of(shopper.session_id)

    assert (
        cluster.exists(keys.session(shopper.session_id), keys.user_sessions(tag), keys.user_record(tag)) == 3
    )
    assert 3590 <= cluster.ttl(keys.session(shopper.session_id)) <= 3600


def test_a_visitors_cart_is_merged_into_the_users_cart_at_login_across_slots(
    cluster_stack, account, products, cluster
):
    other_device, visitor = two_dishes_on_another_device_and_three_in_a_visitors_cart(
        cluster_stack, account, products
    )
    visitor_tag = keys.tag_of(visitor.session_id)

    visitor.login(*account)

    assert cart_count(visitor) == 5
    assert cart_count(other_device) == 5
    assert cluster.exists(keys.cart(visitor_tag)) == 0
    assert cluster.exists(keys.cart_merging(visitor_tag)) == 0


def test_racing_logins_on_both_app_servers_merge_the_visitors_cart_once(cluster_stack, account, products):
    other_device, visitor = two_dishes_on_another_device_and_three_in_a_visitors_cart(
        cluster_stack, account, products
    )
    tabs = [Shopper(cluster_stack, visitor.address) for _tab in range(6)]
    for tab in tabs:
        tab.use_session_id(visitor.session_id)

    responses = in_parallel(6, lambda n: tabs[n].login(*account), workers=6)

    assert [response.status_code for response in responses] == [302] * 6
    assert cart_count(other_device) == 5


def test_200_concurrent_adds_by_one_shopper_are_all_kept_on_the_cluster(cluster_stack, account, products):
    shopper = Shopper(cluster_stack)
    shopper.login(*account)
    spoons = [products[f"race-spoon-{n}"] for n in range(20)]  # a line holds at most 99

    responses = in_parallel(200, lambda n: shopper.post(f"/cart/add/{spoons[n % 20]}/", {"quantity": 1}))

    assert [response.status_code for response in responses] == [302] * 200
    assert shopper.get("/cart/summary/").json() == {"count": 200, "lines": 20, "subtotal": "500.00"}
