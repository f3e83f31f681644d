def test_the_home_page_lists_the_products(client, product):
    response = client.get("/")

    assert response.status_code == 200
    assert "Enamel camp mug" in response.content.decode()


def test_a_product_has_a_page_of_its_own(client, product):
    response = client.get("/products/enamel-camp-mug/")

    assert "$14.50" in response.content.decode()


def test_an_unknown_product_answers_404(client, db):
    response = client.get("/products/no-such-thing/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_header_shows_who_is_logged_in(logged_in_client):
    assert "dana" in logged_in_client.get("/").content.decode()
