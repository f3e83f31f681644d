"""Session fixation: an id planted in the victim's browser before login (make demo-fixation)."""

import re
from dataclasses import dataclass

from .common import PASSWORD, Browser, Finding, start_stack, title, unique


@dataclass(frozen=True)
class Outcome:
    victim_name: str
    planted_id: str
    victim_id: str
    victim_logged_in: bool
    attacker_status: int
    attacker_sent_to: str | None  # where a redirect sent the attacker
    attacker_sees_victim: bool


def run() -> Finding:
    title("Session fixation: the attacker chooses the victim's session id before login")
    outcomes = {}
    for configuration, settings_module, explanation in [
        (
            "broken",
            "bench.demos.broken.fixation_settings",
            "A broken configuration (demo-only, bench/demos/broken/): the session keeps its id at login",
        ),
        ("shop", "shop.settings.production", "The shop: production settings, its own session store"),
    ]:
        print(f"\n{explanation}")
        stack = start_stack(
            f"fixation-{configuration}",
            "redis",
            workers=2,
            extra_env={"DJANGO_SETTINGS_MODULE": settings_module},
        )
        try:
            outcomes[configuration] = attack(stack, victim_name=unique(f"victim-{configuration}"))
        finally:
            stack.stop()
    print(
        "\nThe broken store let the id the attacker chose become the victim's logged-in session:\n"
        "whoever holds that id is the victim. The shop is safe three times over:\n"
        "  - Django's login() calls the session's cycle_key() on every login;\n"
        "  - the shop's store (session_state/store.py) gives the session a new id and deletes the old\n"
        "    one in one step in Redis, then moves it to an id with the user's tag (bind_to_user): no\n"
        "    moment in which the planted id still works;\n"
        "  - an id the shop does not know (never issued, or ended, as the planted one now is) is no\n"
        "    session: the visitor is anonymous, and a new session gets a new id, never the one presented.\n"
        "And the cookie's __Host- prefix makes browsers refuse a session cookie set by a sibling\n"
        "subdomain or over plain HTTP, the usual ways to plant one.\n"
    )
    broken, shop = outcomes["broken"], outcomes["shop"]
    return Finding(
        story="Session fixation",
        what_broke="attacker with the planted id: "
        + ("logged in as the victim" if broken.attacker_sees_victim else describe_attacker(broken)),
        what_the_shop_does="a new id at login, the planted one deleted",
        measured=f"attacker: {describe_attacker(shop)}; victim: {describe_victim(shop)}",
    )


def attack(stack, *, victim_name: str) -> Outcome:
    Browser(stack).register(victim_name)  # the victim's account, made beforehand

    attacker = Browser(stack)
    planted_id = take_a_session_id(attacker)
    print(f"  1. the attacker visits the shop and gets a session id of their own: {short(planted_id)}")

    victim = Browser(stack)
    plant(victim, planted_id)
    print("  2. the attacker plants it in the victim's browser (a cookie injection)")

    login = victim.post_form("/accounts/login/", {"username": victim_name, "password": PASSWORD})
    victim_id = victim.session_id()
    victim_logged_in = victim.logged_in()
    kept = "THE PLANTED ID, KEPT" if victim_id == planted_id else "a new id"
    print(f"  3. the victim logs in as {victim_name} ({login.status_code})")
    print(f"     logged in: {victim_logged_in}, under {short(victim_id)}: {kept}")

    profile = attacker.get("/accounts/profile/")
    outcome = Outcome(
        victim_name=victim_name,
        planted_id=planted_id,
        victim_id=victim_id,
        victim_logged_in=victim_logged_in,
        attacker_status=profile.status_code,
        attacker_sent_to=profile.headers.get("Location"),
        attacker_sees_victim=profile.status_code == 200 and victim_name in profile.text,
    )
    print(f"  4. the attacker opens /accounts/profile/ with the planted id {short(planted_id)}")
    print(f"  => attacker: {describe_attacker(outcome)}")
    if profile.status_code != 200:
        # Presented again, the dead id is not taken back: a session started with it gets an id of its own.
        plant(attacker, planted_id)
        again = take_a_session_id(attacker)
        taken_back = "THE PLANTED ID AGAIN" if again == planted_id else "another id"
        print(f"     presented again (to fill a cart), it is not taken back: {short(again)}, {taken_back}")
    print(f"  => victim: {describe_victim(outcome)}")
    return outcome


def plant(browser: Browser, session_id: str) -> None:
    """Put a session id in a browser's cookie jar, as a cookie injection would."""
    browser.set_session_id(session_id)


def take_a_session_id(browser: Browser) -> str:
    """A real session id from the shop, as anyone gets one: put something in the cart."""
    page = browser.get("/").text
    add = re.search(r'action="(/cart/add/\d+/)"', page).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    browser.http.post(
        browser.stack.url + add,
        data={"quantity": "1", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )
    return browser.session_id()


def describe_attacker(outcome: Outcome) -> str:
    if outcome.attacker_sees_victim:
        return f"{outcome.attacker_status}, the page names {outcome.victim_name}: logged in as the victim"
    if outcome.attacker_status == 302 and (outcome.attacker_sent_to or "").startswith("/accounts/login/"):
        return "302 to the login page, anonymous"
    return f"{outcome.attacker_status}, not the victim's page"


def describe_victim(outcome: Outcome) -> str:
    if not outcome.victim_logged_in:
        return "NOT logged in"
    return "logged in under " + ("the planted id" if outcome.victim_id == outcome.planted_id else "a new id")


def short(session_id: str | None) -> str:
    """Enough of an id to tell two apart on the terminal."""
    return "(none)" if session_id is None else f"{session_id[:8]}..."
