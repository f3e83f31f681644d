"""
The catalog's pages as each worker keeps them (catalog/pages.py): a kept
page costs one database query and makes no product's URL, shows every
change on the very next request, and keeps nothing of one visitor for
another.
"""

import re

import pytest
from django import urls
from django.test import Client

from catalog import models as catalog_models
from catalog.models import CatalogVersion, Category, Product
from catalog.services import catalog_changed
from tests.shopping import add


def kept(client, path="/"):
    """The page at path, once the worker has kept it: asked twice, the second answer's text."""
    client.get(path)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def card_of(page, name):
    """The product card of the page that names the product."""
    return next(card for card in page.split('<li class="product-card') if f"<h2>{name}</h2>" in card)


def csrf_token_in(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def make_spoons(category, count):
    for n in range(count):
        Product.objects.create(
            category=category, name=f"Spoon {n:02}", slug=f"spoon-{n:02}", price="3.00", stock=5
        )


@pytest.fixture
def visitor():
    """An anonymous visitor beside the client (logged_in_client is the client, logged in)."""
    return Client(headers={"X-Real-IP": "203.0.113.11"})


@pytest.fixture
def garden(db):
    return Category.objects.create(name="Garden", slug="garden", description="Out of doors.")


@pytest.mark.parametrize("path", ["/", "/?page=2", "/category/kitchen/"])
def test_a_kept_catalog_page_makes_one_database_query(client, product, path, django_assert_max_num_queries):
    make_spoons(product.category, 14)
    client.get(path)

    with django_assert_max_num_queries(1):
        assert client.get(path).status_code == 200


def test_a_kept_catalog_page_makes_one_database_query_for_a_logged_in_shopper_too(
    logged_in_client, product, django_assert_max_num_queries
):
    logged_in_client.get("/")

    with django_assert_max_num_queries(1):
        assert "alice" in logged_in_client.get("/").content.decode()


def test_a_kept_catalog_page_makes_as_many_urls_for_twelve_products_as_for_one(client, product, monkeypatch):
    made = []

    def counted(reverse):
        return lambda *args, **kwargs: made.append(args) or reverse(*args, **kwargs)

    # {% url %} imports django.urls.reverse as it renders; get_absolute_url() has catalog.models'.
    monkeypatch.setattr(urls, "reverse", counted(urls.reverse))
    monkeypatch.setattr(catalog_models, "reverse", counted(catalog_models.reverse))
    kept(client)
    made.clear()
    kept(client)
    for_one = len(made)
    make_spoons(product.category, 11)
    kept(client)
    made.clear()
    kept(client)

    assert len(made) == for_one


def test_a_new_price_shows_on_the_next_request(client, product):
    kept(client)
    product.price = "19.00"
    product.save()

    page = client.get("/").content.decode()

    assert "$19.00" in card_of(page, "Enamel camp mug")
    assert "$14.50" not in page


def test_a_product_whose_stock_runs_out_shows_as_sold_out_on_the_next_request(client, product):
    assert "Sold out" not in kept(client)
    product.stock = 0
    product.save()

    card = card_of(client.get("/").content.decode(), "Enamel camp mug")

    assert "Sold out" in card
    assert "Add to cart" not in card


def test_a_sold_out_product_back_in_stock_can_be_added_again_on_the_next_request(client, kettle):
    assert "Sold out" in card_of(kept(client), "Copper kettle")
    kettle.stock = 4
    kettle.save()

    card = card_of(client.get("/").content.decode(), "Copper kettle")

    assert f'formaction="/cart/add/{kettle.pk}/"' in card
    assert "Sold out" not in card


def check_out(client):
    checkout = client.get("/checkout/")
    placed = client.post(
        "/checkout/",
        {
            "full_name": "Erin Shopper",
            "address": "1 Market St",
            "city": "Springfield",
            "postal_code": "12345",
            "country": "USA",
            "checkout_token": checkout.context["form"].initial["checkout_token"],
            "cart_digest": checkout.context["cart"].digest,
        },
    )
    assert placed.status_code == 302


def test_checkout_taking_the_last_unit_shows_sold_out_on_the_next_request(visitor, logged_in_client, board):
    assert "Sold out" not in card_of(kept(visitor), "Walnut board")
    add(logged_in_client, board, 3)

    check_out(logged_in_client)

    assert "Sold out" in card_of(visitor.get("/").content.decode(), "Walnut board")


def test_an_order_that_leaves_stock_keeps_every_workers_pages(logged_in_client, board):
    # The pages show in stock or sold out, not how many: nothing of them changed.
    version_before = CatalogVersion.objects.get().token
    add(logged_in_client, board, 2)

    check_out(logged_in_client)

    assert CatalogVersion.objects.get().token == version_before


def test_a_renamed_product_shows_its_new_name_on_the_next_request(client, product):
    kept(client)
    product.name = "Enamel tin mug"
    product.save()

    page = client.get("/").content.decode()

    assert "<h2>Enamel tin mug</h2>" in page
    assert "Enamel camp mug" not in page


def test_a_new_product_shows_on_the_next_request_and_a_deleted_one_is_gone(client, product, garden):
    kept(client)
    Product.objects.create(category=garden, name="Watering can", slug="watering-can", price="38.00", stock=3)
    product.delete()

    page = client.get("/").content.decode()

    assert "Watering can" in page
    assert "Enamel camp mug" not in page


def test_a_renamed_category_shows_in_the_header_on_its_page_and_on_its_products(client, product):
    kept(client)
    kept(client, "/category/kitchen/")
    product.category.name = "Cookware"
    product.category.save()

    home, own_page = client.get("/").content.decode(), client.get("/category/kitchen/").content.decode()

    assert '<a href="/category/kitchen/" >Cookware</a>' in home
    assert '<span class="product-category">Cookware</span>' in card_of(home, "Enamel camp mug")
    assert "<h1>Cookware</h1>" in own_page
    assert "Kitchen" not in home + own_page


def test_a_new_category_has_its_page_and_its_link_on_the_next_request(client, product):
    kept(client)
    assert client.get("/category/garden/").status_code == 404
    Category.objects.create(name="Garden", slug="garden")

    assert client.get("/category/garden/").status_code == 200
    assert '<a href="/category/garden/" >Garden</a>' in client.get("/").content.decode()


def test_the_header_marks_the_category_of_the_page_on_a_kept_page(client, product, garden):
    kept(client)

    page = kept(client, "/category/garden/")

    assert '<a href="/category/garden/" class="active">Garden</a>' in page
    assert '<a href="/category/kitchen/" >Kitchen</a>' in page


def test_kept_pages_of_a_category_and_of_the_catalog_are_each_their_own(client, product, garden):
    Product.objects.create(category=garden, name="Watering can", slug="watering-can", price="38.00", stock=3)
    kept(client)

    garden_page, home = kept(client, "/category/garden/"), kept(client)

    assert "Watering can" in garden_page
    assert "Enamel camp mug" not in garden_page
    assert "Enamel camp mug" in home
    assert "Watering can" in home


def test_kept_pages_of_the_catalog_are_each_their_own(client, product):
    make_spoons(product.category, 20)
    kept(client, "/?page=2")

    first, second = kept(client), kept(client, "/?page=2")

    assert first.count('<li class="product-card') == 12
    assert "Page 1 of 2" in first
    assert second.count('<li class="product-card') == 9
    assert "Page 2 of 2" in second
    assert "Spoon 19" in second
    assert "Spoon 19" not in first


def test_a_page_past_the_last_answers_404_when_the_pages_before_it_are_kept(client, product):
    kept(client)

    assert client.get("/?page=2").status_code == 404
    assert client.get("/?page=2").status_code == 404
    assert client.get("/?page=last").status_code == 200


def test_a_search_is_never_kept_a_change_made_behind_the_shops_back_shows_in_it_at_once(client, product):
    assert "Enamel camp mug" in kept(client, "/?q=enamel")
    Product.objects.filter(pk=product.pk).update(name="Enamel camp cup")  # no save(): no new version

    page = client.get("/?q=enamel").content.decode()

    assert "Enamel camp cup" in page


def test_a_change_made_behind_the_shops_back_shows_once_catalog_changed_says_so(client, product):
    kept(client)
    Product.objects.filter(pk=product.pk).update(price="20.00")  # no save(): no new version
    assert "$14.50" in client.get("/").content.decode()

    catalog_changed()

    assert "$20.00" in client.get("/").content.decode()


def test_without_the_versions_row_nothing_is_kept_until_a_change_makes_it_again(
    client, product, django_assert_max_num_queries
):
    CatalogVersion.objects.all().delete()
    kept(client)
    Product.objects.filter(pk=product.pk).update(price="20.00")  # no save(): no new version
    assert "$20.00" in client.get("/").content.decode()

    catalog_changed()
    client.get("/")

    with django_assert_max_num_queries(1):
        assert "$20.00" in client.get("/").content.decode()


def test_a_visitor_adds_to_the_cart_from_a_kept_page_with_the_csrf_token_it_gives_them(product):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/")  # renders the page, and keeps it

    token = csrf_token_in(second.get("/").content.decode())
    response = second.post(f"/cart/add/{product.pk}/", {"csrfmiddlewaretoken": token, "next": "/"})

    assert response.status_code == 302
    assert second.get("/cart/summary/").json()["count"] == 1


def test_the_add_to_cart_form_of_a_kept_page_comes_back_to_the_page_asked_for(client, product):
    make_spoons(product.category, 12)
    kept(client, "/?page=2")

    page = client.get("/?page=2&from=mail").content.decode()

    assert '<input type="hidden" name="next" value="/?page=2&amp;from=mail">' in page


def test_a_kept_page_shows_each_visitor_their_own_header(visitor, logged_in_client, product):
    add(logged_in_client, product, 2)
    assert "alice" in kept(logged_in_client)

    page = visitor.get("/").content.decode()

    assert "alice" not in page
    assert "Log in" in page
    assert '<span class="cart-count" data-testid="cart-count">0</span>' in page
