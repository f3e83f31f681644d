"""Reading the lab's feed as its page does."""


def feed(client) -> dict:
    response = client.get("/lab/feed")
    assert response.status_code == 200
    return response.json()


def routes(view: dict) -> list[str]:
    """The routes of the requests the feed shows, newest first."""
    return [request["route"] for request in view["requests"]]
