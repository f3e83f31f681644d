from concurrent.futures import ThreadPoolExecutor

import pytest

from session_state import keys
from tests.stack.shopper import workers_that_served

pytestmark = pytest.mark.stack


def test_a_logged_in_shopper_stays_logged_in_across_workers(stack, shopper, account):
    shopper.login(*account)

    # Four at a time, as a browser fetches: a sync worker serves one request
    # at a time, so overlapping requests land on different workers.
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _n: shopper.get("/accounts/profile/"), range(40)))

    assert all(response.status_code == 200 for response in responses)
    assert all(f'<dd class="username">{account[0]}</dd>' in response.text for response in responses)
    assert len(set(workers_that_served(stack, responses)) - {None}) >= 2


def test_every_response_names_the_gunicorn_worker_of_the_stack_that_served_it(stack, shopper):
    responses = [shopper.get(path) for path in ("/", "/accounts/login/", "/no-such-page/")]

    assert None not in workers_that_served(stack, responses)


def test_every_page_shows_the_worker_that_served_it(stack, shopper):
    response = shopper.get("/")

    assert workers_that_served(stack, [response]) != [None]
    assert f"<code>{response.headers['X-Served-By']}</code>" in response.text


def test_a_session_in_redis_carries_the_idle_timeout_as_its_ttl(shopper, account, stack_redis):
    shopper.login(*account)

    ttl = stack_redis.ttl(keys.session(shopper.session_id))

    assert 3590 <= ttl <= 3600


def test_an_anonymous_visitor_gets_no_session(shopper, stack_redis):
    keys_before = set(stack_redis.keys("shop:session:*"))

    for path in ["/", "/accounts/login/", "/accounts/register/"]:
        assert shopper.get(path).status_code == 200

    assert shopper.session_id is None
    assert set(stack_redis.keys("shop:session:*")) == keys_before


def test_login_gives_a_new_session_id_and_the_old_one_is_gone(shopper, account, stack_redis):
    before_login = _plant_anonymous_session(stack_redis)
    shopper.use_session_id(before_login)

    shopper.login(*account)

    assert shopper.session_id not in (None, before_login)
    assert not stack_redis.exists(keys.session(before_login))


def test_a_planted_session_id_gives_the_attacker_nothing(new_shopper, account, stack_redis):
    planted = _plant_anonymous_session(stack_redis)
    victim, attacker = new_shopper(), new_shopper()
    victim.use_session_id(planted)
    attacker.use_session_id(planted)

    victim.login(*account)
    response = attacker.get("/accounts/profile/")

    assert victim.get("/accounts/profile/").status_code == 200
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_a_session_id_the_attacker_got_from_the_shop_is_anonymous_after_the_victim_logs_in_with_it(
    new_shopper, account, stack_products, stack_redis
):
    # Not an invented id, which the shop refuses as malformed before any
    # login: a real one, as any visitor gets by adding to the cart.
    attacker, victim = new_shopper(), new_shopper()
    assert attacker.post(f"/cart/add/{stack_products['race-spoon-0']}/", {"quantity": 1}).status_code == 302
    planted = attacker.session_id
    assert stack_redis.exists(keys.session(planted))
    victim.use_session_id(planted)

    victim.login(*account)
    response = attacker.get("/accounts/profile/")

    assert victim.session_id not in (None, planted)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_logout_ends_the_session_in_redis_and_a_replayed_cookie_is_anonymous(
    shopper, new_shopper, account, stack_redis
):
    shopper.login(*account)
    session_id = shopper.session_id

    response = shopper.post_form("/accounts/logout/", {}, form_path="/accounts/profile/")

    assert response.status_code == 302
    assert not stack_redis.exists(keys.session(session_id))
    replay = new_shopper()
    replay.use_session_id(session_id)
    assert replay.get("/accounts/profile/").status_code == 302


def _plant_anonymous_session(stack_redis):
    """An anonymous session as the site writes it: JSON with a TTL."""
    session_id = keys.new_session_id(mark=keys.ANONYMOUS_MARK, tag=keys.new_tag())
    stack_redis.set(keys.session(session_id), '{"visited": "the shop"}', ex=3600)
    return session_id
