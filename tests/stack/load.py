"""A bounded load of logged-in shoppers, for the fault tests: what each one saw."""

import re
import threading
import time
from dataclasses import dataclass, field

from tests.stack.shopper import Shopper


@dataclass
class ShopperRecord:
    username: str
    added: int = 0  # add-to-cart requests the shop confirmed (302)
    logged_out: int = 0  # pages that needed the session and found none
    server_errors: list = field(default_factory=list)  # (status, worker) of every 5xx
    failed: int = 0  # requests that got no answer at all
    served_by: list = field(default_factory=list)  # X-Served-By of every answer, in order
    # (method, time.monotonic() as it was sent, status or None for no
    # answer) of every request that failed: when it started, and how.
    lost: list = field(default_factory=list)


class ShopperLoad:
    """
    Each shopper, in a thread of its own, in turn views a page that needs the
    session and adds one unit to its cart, until stopped (or `seconds` pass).
    """

    def __init__(self, stack, accounts, product_ids, *, seconds=30, pause=0.05):
        self.shoppers = []
        for username, password in accounts:
            shopper = Shopper(stack)
            assert shopper.login(username, password).status_code == 302
            self.shoppers.append((shopper, ShopperRecord(username)))
        self.product_ids = product_ids
        self.deadline = time.monotonic() + seconds
        self.pause = pause
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=pair, daemon=True) for pair in self.shoppers]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self, shopper, record):
        n = 0
        while not self._stop.is_set() and time.monotonic() < self.deadline:
            product = self.product_ids[n % len(self.product_ids)]
            n += 1
            self._note(record, lambda: shopper.get("/accounts/profile/"), page=True)
            self._note(
                record,
                lambda product=product: shopper.post(f"/cart/add/{product}/", {"quantity": 1}),
                page=False,
            )
            time.sleep(self.pause)

    @staticmethod
    def _note(record, request, *, page):
        sent_at = time.monotonic()
        try:
            response = request()
        except OSError:
            record.failed += 1
            record.lost.append(("GET" if page else "POST", sent_at, None))
            return
        record.served_by.append(response.headers.get("X-Served-By", ""))
        if response.status_code >= 500:
            record.server_errors.append((response.status_code, response.headers.get("X-Served-By")))
            record.lost.append(("GET" if page else "POST", sent_at, response.status_code))
        elif page and response.status_code == 302:
            record.logged_out += 1
        elif not page and response.status_code == 302:
            record.added += 1

    @property
    def records(self):
        return [record for _shopper, record in self.shoppers]

    def cart_counts(self):
        return {
            record.username: shopper.get("/cart/summary/").json()["count"]
            for shopper, record in self.shoppers
        }

    def still_logged_in(self):
        return {
            record.username: shopper.get("/accounts/profile/").status_code == 200
            for shopper, record in self.shoppers
        }


PASSWORD = "sturdy-kettle-93"


def register_accounts(stack, *, named_after: str, count: int) -> list[tuple[str, str]]:
    """count fresh accounts on the stack, named after a test (so that every cart starts empty): (username, password)."""
    # A username's characters only; the end of the name, which keeps [cart] and [session] apart.
    name = re.sub(r"[^\w.@+-]", "", named_after)[-40:]
    made = []
    for n in range(count):
        Shopper(stack).register(f"{name}-{n}", PASSWORD)
        made.append((f"{name}-{n}", PASSWORD))
    return made
