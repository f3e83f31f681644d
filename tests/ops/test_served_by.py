import os
import socket


def test_every_response_says_which_worker_served_it(client, db):
    response = client.get("/")

    assert response["X-Served-By"] == f"{socket.gethostname()}:{os.getpid()}"


def test_the_footer_shows_the_worker(client, db):
    response = client.get("/")

    assert f"<code>{socket.gethostname()}:{os.getpid()}</code>" in response.content.decode()


def test_error_pages_say_which_worker_served_them_too(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["X-Served-By"] == f"{socket.gethostname()}:{os.getpid()}"


def test_with_show_worker_off_no_response_names_its_worker(client, db, settings):
    settings.SHOW_WORKER = False

    response = client.get("/")

    assert "X-Served-By" not in response
    assert socket.gethostname() not in response.content.decode()
    assert "Served by" not in response.content.decode()
