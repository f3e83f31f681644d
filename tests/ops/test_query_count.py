"""The benchmark's count of database queries per request (ops.middleware.QueryCountMiddleware)."""


def test_the_benchmarks_query_count_says_how_many_queries_a_request_made(client, settings, mug):
    settings.MIDDLEWARE = ["ops.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]

    page = client.get(mug.get_absolute_url())
    nothing = client.get("/accounts/sessions/current/")  # a visitor without a session

    assert int(page["X-DB-Queries"]) >= 1
    assert nothing["X-DB-Queries"] == "0"
