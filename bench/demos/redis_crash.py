"""Redis killed: with no persistence, with an append-only file, with Sentinel (make demo-redis-crash)."""

import os
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import redis

from deploy.stack import SENTINEL_SERVICE

from .common import PASSWORD, REQUEST_TIMEOUT, Browser, Finding, start_stack, title, unique

USERS = 10
LINES = 3  # cart lines each user adds, a product each
# appendfsync everysec: Redis writes every command to the append-only file
# at once, and fsyncs the file to the disk once a second.
AFTER_LAST_WRITE = 1.2
DEADLINE = 30  # seconds to wait for anything that should take a few


@dataclass
class Outcome:
    logged_out: int  # of the USERS logged in before the crash
    lines_before: int
    lines_lost: int
    window: float | None = None  # Sentinel: seconds from the kill until every user's page loaded again

    @property
    def still_logged_in(self) -> int:
        return USERS - self.logged_out

    @property
    def lines_kept(self) -> int:
        return self.lines_before - self.lines_lost


class Shopper(Browser):
    """A logged-in user with a cart."""

    def __init__(self, stack, username: str):
        super().__init__(stack)
        self.username = username

    def add_to_cart(self, product_id: int):
        # The CSRF token of the page the add-to-cart form is on, as a browser posts it.
        page = self.get("/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.http.post(
            f"{self.stack.url}/cart/add/{product_id}/",
            data={"quantity": 1, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )

    def cart_lines(self) -> int:
        return self.get("/cart/summary/").json()["lines"]

    def log_in_again(self) -> None:
        response = self.post_form("/accounts/login/", {"username": self.username, "password": PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in again ({response.status_code})")


def run() -> Finding:
    title("Redis killed: who is logged out, which cart lines are lost?")
    print(
        f"{USERS} users log in and put {LINES} products each in their cart (the shop's add-to-cart form);\n"
        "then Redis, which holds every session and cart, is killed with SIGKILL, as a crash would."
    )
    none = _restart_act(
        "a",
        "none",
        "Redis with no persistence (no append-only file, no snapshot), restarted",
        persistent=False,
    )
    aof = _restart_act(
        "b",
        "aof",
        "the shop's Redis: append-only file, fsynced every second (everysec), restarted",
        persistent=True,
    )
    sentinel = _sentinel_act()
    title("Before the crash, and after it")
    print(
        f"  before the crash: {USERS} users logged in, {none.lines_before} cart lines in all (each run alike)"
    )
    print(f"  {'after it':<44}{'still logged in':>17}{'cart lines still there':>25}")
    for letter, what, outcome in [
        ("a", "no persistence, restarted", none),
        ("b", "append-only file (everysec), restarted", aof),
        ("c", "Sentinel, the replica promoted", sentinel),
    ]:
        print(
            f"  ({letter}) {what:<40}{f'{outcome.still_logged_in} of {USERS}':>17}"
            f"{f'{outcome.lines_kept} of {outcome.lines_before}':>25}"
        )
    print(
        "\nA Redis that keeps nothing on disk comes back empty: every session and every cart is gone,\n"
        "and everyone must log in again to an empty cart. The shop's Redis writes every change to its\n"
        "append-only file before it answers, so a killed process loses nothing the kernel already has;\n"
        "appendfsync everysec puts the file on the disk once a second, so a crash of the whole machine\n"
        "(or a disk so slow that Redis holds its writes back, up to 2 s) can take the last second or so.\n"
        f"The demo waits {AFTER_LAST_WRITE} s after the last add, in (a) and (b) alike, to count only what\n"
        "even that would keep. With Sentinel the replica is promoted and the shop finds it through the\n"
        "Sentinels: pages answer 503 for the failover window, then everyone is back, still logged in,\n"
        "carts whole. Replication is asynchronous (a login, a logout and a cart merged at login wait up\n"
        "to 0.1 s for the replica; an add does not), so the demo waits until the replica has every write\n"
        "before the kill: an add in the primary's last milliseconds could be lost.\n"
    )
    return Finding(
        story="Redis failure (the crash)",
        what_broke=(
            f"no persistence: still logged in {none.still_logged_in} of {USERS}, "
            f"cart lines kept {none.lines_kept} of {none.lines_before}"
        ),
        what_the_shop_does="append-only file (everysec); Sentinel failover",
        measured=(
            f"AOF: still logged in {aof.still_logged_in} of {USERS}, lines kept {aof.lines_kept}; "
            f"Sentinel: {sentinel.still_logged_in}, {sentinel.lines_kept}, back after {sentinel.window:.1f} s"
        ),
    )


def _restart_act(letter: str, name: str, explanation: str, *, persistent: bool) -> Outcome:
    print(f"\n({letter}) {explanation}")
    stack = start_stack(f"redis-crash-{name}", "redis", workers=2, persistent=persistent)
    try:
        shoppers, lines_before = _shoppers_with_carts(stack, name)
        print(f"  waiting {AFTER_LAST_WRITE} s after the last add (appendfsync everysec) ...", flush=True)
        time.sleep(AFTER_LAST_WRITE)
        print("  killing Redis (SIGKILL) and starting it again ...", flush=True)
        _kill(stack, "redis")
        killed_at = time.monotonic()
        stack.start_redis()
        _wait_for(lambda: stack.health()[0] == 200, "the shop to answer again (/healthz)")
        back_after = time.monotonic() - killed_at
        print(f"  Redis answers again and the shop is healthy {back_after:.1f} s after the kill")
        return _count_losses(shoppers, lines_before)
    finally:
        stack.stop()


def _sentinel_act() -> Outcome:
    print("\n(c) the shop's Redis with a replica and three Sentinels; the primary killed, not restarted")
    stack = start_stack("redis-crash-sentinel", "redis", workers=2, sentinel=True)
    try:
        shoppers, lines_before = _shoppers_with_carts(stack, "sentinel")
        primary = redis.Redis(port=stack.port_of("redis"))
        replica_port = stack.port_of("redis-replica")
        replica = redis.Redis(port=replica_port)
        written = primary.info("replication")["master_repl_offset"]

        def replica_has_every_write():
            info = replica.info("replication")
            return info["master_link_status"] == "up" and info["slave_repl_offset"] >= written

        # Replication is asynchronous: a write the replica has not received
        # when the primary dies is lost. The demo counts what a failover keeps
        # of what had reached the replica, and says so.
        _wait_for(replica_has_every_write, "the replica to have every write")
        print(f"  the replica has every write (replication offset {written})")
        # Every Sentinel knows the replica by now (Stack.start waits for it).
        print("  killing the primary (SIGKILL) ...", flush=True)
        _kill(stack, "redis")
        killed_at = time.monotonic()
        promoted_at = []
        watcher = threading.Thread(target=_watch_for_the_promotion, args=(stack, promoted_at), daemon=True)
        watcher.start()
        back_at, statuses = _wait_for_everyone(shoppers)
        watcher.join(timeout=DEADLINE)
        if not promoted_at:
            raise RuntimeError(
                f"the Sentinels did not promote the replica within {DEADLINE} s; see {stack.log_dir}"
            )
        promoted = promoted_at[0] - killed_at
        window = max(back_at) - killed_at
        failed = sum(status is None or status >= 500 for status in statuses)
        print(
            f"  Sentinel promoted the replica {promoted:.1f} s after the kill; every user's page\n"
            f"  (reloaded every 0.1 s) loaded again {window:.1f} s after it; {failed} answers meanwhile\n"
            "  were the shop's 503 page or no answer"
        )
        outcome = _count_losses(shoppers, lines_before)
        outcome.window = window
        return outcome
    finally:
        stack.stop()


def _shoppers_with_carts(stack, name: str) -> tuple[list[Shopper], int]:
    """USERS registered (so logged in), each with LINES products in the cart; and the lines counted."""
    products = [
        int(n) for n in dict.fromkeys(re.findall(r'action="/cart/add/(\d+)/"', Browser(stack).get("/").text))
    ]
    if len(products) < LINES:
        raise RuntimeError(f"the home page offers {len(products)} products to add; the demo needs {LINES}")
    shoppers = [Shopper(stack, unique(f"crash-{name}-{n}")) for n in range(USERS)]

    def fill(shopper):
        if shopper.register(shopper.username).status_code != 302:
            raise RuntimeError(f"{shopper.username} could not register; see {stack.log_dir}")
        for product in products[:LINES]:
            if (status := shopper.add_to_cart(product).status_code) != 302:
                raise RuntimeError(f"{shopper.username}'s add to cart answered {status}; see {stack.log_dir}")
        return shopper.cart_lines()

    with ThreadPoolExecutor(5) as pool:
        lines = sum(pool.map(fill, shoppers))
    print(f"  {USERS} users logged in, {lines} cart lines in all")
    return shoppers, lines


def _count_losses(shoppers: list[Shopper], lines_before: int) -> Outcome:
    """
    Who is still logged in; and the cart lines each has, counted logged in:
    a user the crash logged out logs in again first, as they would to look.
    """

    def lines_and_whether_logged_out(shopper):
        if shopper.logged_in():
            return shopper.cart_lines(), False
        shopper.log_in_again()
        return shopper.cart_lines(), True

    # In parallel, as the users would: a login checks a password (bcrypt), slow on purpose.
    with ThreadPoolExecutor(5) as pool:
        counted = list(pool.map(lines_and_whether_logged_out, shoppers))
    lines_after = sum(lines for lines, _was_logged_out in counted)
    logged_out = sum(was_logged_out for _lines, was_logged_out in counted)
    outcome = Outcome(logged_out, lines_before, lines_before - lines_after)
    again = f" (the {logged_out} logged out logged in again to look)" if logged_out else ""
    print(
        f"  => logged in before the crash: {USERS}; still logged in after: {outcome.still_logged_in}\n"
        f"  => cart lines before the crash: {lines_before}; still there after: {outcome.lines_kept}{again}"
    )
    return outcome


def _kill(stack, name: str) -> None:
    """SIGKILL one of the stack's Redis servers, and return once it is gone."""
    pid = stack.pid(name)
    if pid is None:
        raise RuntimeError(f"{name} is not running; see {stack.log_dir}")
    os.kill(pid, signal.SIGKILL)
    try:
        os.waitpid(pid, 0)  # the stack started it from this process: reap it, or it lingers as a zombie
    except ChildProcessError:
        _wait_for(lambda: not os.path.exists(f"/proc/{pid}"), f"{name} to die")


def _wait_for_everyone(shoppers: list[Shopper]) -> tuple[list[float], list[int | None]]:
    """Each user reloads a page until it loads; when each did, and every answer before."""
    back_at = [0.0] * len(shoppers)
    statuses = []

    def reload(n, shopper):
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            try:
                status = shopper.get("/accounts/profile/").status_code
            except OSError:
                status = None
            statuses.append(status)
            if status in (200, 302):  # in, or logged out: either way Redis answered
                back_at[n] = time.monotonic()
                return
            time.sleep(0.1)
        raise RuntimeError(f"{shopper.username}'s page did not load within {DEADLINE} s of the kill")

    with ThreadPoolExecutor(len(shoppers)) as pool:
        list(pool.map(reload, range(len(shoppers)), shoppers))
    return back_at, statuses


def _watch_for_the_promotion(stack, promoted: list) -> None:
    """Poll the Sentinels until they name the replica the primary; append when, by time.monotonic()."""
    sentinel = redis.Redis(port=stack.port_of("sentinel-1"), decode_responses=True, socket_timeout=1)
    replica_port = stack.port_of("redis-replica")
    _wait_for(
        lambda: int(sentinel.sentinel_get_master_addr_by_name(SENTINEL_SERVICE)[1]) == replica_port,
        "Sentinel to promote the replica",
    )
    promoted.append(time.monotonic())


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, redis.RedisError):
            pass  # not up yet
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {DEADLINE} s waiting for {what}")
