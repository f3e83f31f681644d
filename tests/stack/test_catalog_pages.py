"""
Each worker keeps the catalog's pages (catalog/pages.py), and a change to
the stock, made by a checkout on one worker or in the shell beside them
all, is on the very next page of every worker.
"""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.stack.shopper import Shopper, workers_that_served

pytestmark = pytest.mark.stack

PAGE = "/category/stock-watch/"
ADDRESS = {
    "full_name": "Last Buyer",
    "address": "3 Loop Rd",
    "city": "Localhost",
    "postal_code": "127",
    "country": "Lo",
}


@pytest.fixture(scope="module")
def lantern(stack) -> None:
    """One lantern, the last, alone in a category of its own (so that its page is its own)."""
    stack.manage(
        "shell",
        "-c",
        "from catalog.models import Category, Product; "
        "watch = Category.objects.create(slug='stock-watch', name='Stock watch'); "
        "Product.objects.create(category=watch, slug='last-lantern', name='Last lantern', price='9.00', stock=1)",
    )


def set_stock(stack, stock: int) -> None:
    """Set the lantern's stock in manage.py shell, as an operator would (save(): the admin's way)."""
    stack.manage(
        "shell",
        "-c",
        "from catalog.models import Product; "
        f"lantern = Product.objects.get(slug='last-lantern'); lantern.stock = {stock}; lantern.save()",
    )


def from_every_worker(stack, path: str) -> dict[int, list[str]]:
    """
    The page from every worker of the stack: requests four at a time, each
    from an address of its own, until each worker has answered at least
    once (or 20 s have passed). {worker pid: the pages it answered}.
    """
    workers = {pid for server in stack.app_servers for pid in stack.gunicorn_workers(server)}
    visitors = [Shopper(stack) for _n in range(4)]
    pages: dict[int, list[str]] = {}
    deadline = time.monotonic() + 20
    with ThreadPoolExecutor(max_workers=4) as pool:
        while set(pages) != workers and time.monotonic() < deadline:
            responses = list(pool.map(lambda visitor: visitor.get(path), visitors))
            assert [response.status_code for response in responses] == [200] * 4
            for worker, response in zip(workers_that_served(stack, responses), responses, strict=True):
                pages.setdefault(worker, []).append(response.text)
    assert set(pages) == workers
    return pages


def every_page(pages: dict[int, list[str]]) -> list[str]:
    return [page for worker_pages in pages.values() for page in worker_pages]


def test_the_checkout_of_the_last_unit_shows_sold_out_on_every_worker_at_once(stack, lantern, new_shopper):
    set_stock(stack, 1)
    before = from_every_worker(stack, PAGE)  # each worker has kept the page: in stock
    assert all("Add to cart" in page and "Sold out" not in page for page in every_page(before))
    lantern_id = re.search(r'formaction="/cart/add/(\d+)/"', every_page(before)[0]).group(1)
    buyer = new_shopper()
    buyer.register("last-lantern-buyer", "sturdy-kettle-93")
    assert buyer.post(f"/cart/add/{lantern_id}/", {"quantity": 1}).status_code == 302
    checkout = buyer.get("/checkout/").text
    hidden = {
        name: re.search(rf'name="{name}" value="([^"]+)"', checkout).group(1)
        for name in ("checkout_token", "cart_digest")
    }

    assert buyer.post("/checkout/", {**ADDRESS, **hidden}).status_code == 302
    after = from_every_worker(stack, PAGE)

    assert all("Sold out" in page and "Add to cart" not in page for page in every_page(after))


def test_stock_put_back_in_the_shell_shows_on_every_worker_at_once(stack, lantern):
    set_stock(stack, 0)
    before = from_every_worker(stack, PAGE)
    assert all("Sold out" in page for page in every_page(before))

    set_stock(stack, 5)
    after = from_every_worker(stack, PAGE)

    assert all("Add to cart" in page and "Sold out" not in page for page in every_page(after))
