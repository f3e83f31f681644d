from django.test import RequestFactory
from django.views.defaults import server_error

from catalog.models import Category, Product


def make_products(category, count, **fields):
    return Product.objects.bulk_create(
        Product(
            category=category, name=f"Spoon {n:02}", slug=f"spoon-{n:02}", price="3.00", stock=5, **fields
        )
        for n in range(count)
    )


def test_the_home_page_lists_the_products(client, product):
    response = client.get("/")

    assert response.status_code == 200
    assert "Enamel camp mug" in response.content.decode()


def test_the_catalog_is_paginated_by_twelve(client, product):
    make_products(product.category, 20)

    first, second = client.get("/"), client.get("/?page=2")

    assert len(first.context["products"]) == 12
    assert len(second.context["products"]) == 9
    assert "Page 2 of 2" in second.content.decode()


def test_a_category_page_shows_only_that_category(client, product):
    garden = Category.objects.create(name="Garden", slug="garden")
    Product.objects.create(category=garden, name="Watering can", slug="watering-can", price="38.00", stock=3)

    page = client.get("/category/garden/").content.decode()

    assert "Watering can" in page
    assert "Enamel camp mug" not in page


def test_an_unknown_category_answers_404(client, db):
    assert client.get("/category/no-such-thing/").status_code == 404


def test_search_finds_products_by_name_whatever_the_case(client, product):
    make_products(product.category, 3)

    response = client.get("/?q=CAMP")

    assert [p.name for p in response.context["products"]] == ["Enamel camp mug"]
    assert "Results for “CAMP”" in response.content.decode()


def test_a_product_has_a_page_with_its_price_and_an_add_to_cart_form(client, product):
    page = client.get("/products/enamel-camp-mug/").content.decode()

    assert "$14.50" in page
    assert f'action="/cart/add/{product.pk}/"' in page
    assert 'name="quantity"' in page


def test_an_out_of_stock_product_shows_as_sold_out_without_a_form(client, product):
    Product.objects.filter(pk=product.pk).update(stock=0)

    page = client.get("/products/enamel-camp-mug/").content.decode()

    assert "Sold out" in page
    assert f'action="/cart/add/{product.pk}/"' not in page


def test_an_unknown_product_answers_404(client, db):
    response = client.get("/products/no-such-thing/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_header_shows_who_is_logged_in(logged_in_client):
    assert "alice" in logged_in_client.get("/").content.decode()


def test_the_500_page_is_the_shops_own_and_needs_no_request_context(db):
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_the_admin_manages_categories_products_and_orders(client, product, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="root", password="x"))

    for path in ["/admin/catalog/category/", "/admin/catalog/product/", "/admin/orders/order/"]:
        assert client.get(path).status_code == 200
