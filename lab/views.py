from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .ids import lab_id_of, new_lab_cookie
from .selectors import live_view


@require_GET
@never_cache  # it may set a cookie that names this browser
def lab_page(request):
    """
    The lab: its page is drawn by static/lab/lab.js from the feed. Opening
    it gives the browser a lab cookie (if it has none), from which on its
    requests are recorded for it, and for it alone, this one first
    (lab.middleware): the session as the lab found it.
    """
    response = render(
        request,
        "lab/lab.html",
        # The CSRF cookie's name: a logout form the page draws after a login elsewhere takes its token from it.
        {"feed_url": settings.SESSION_LAB_FEED_PATH, "csrf_cookie_name": settings.CSRF_COOKIE_NAME},
    )
    if lab_id_of(request.COOKIES.get(settings.SESSION_LAB_COOKIE_NAME)) is None:
        response.set_cookie(
            settings.SESSION_LAB_COOKIE_NAME,
            new_lab_cookie(),
            secure=True,
            httponly=True,
            samesite="Strict",
            path="/",
        )
    return response


@require_GET
@never_cache  # what the lab shows now, never a copy
def feed(request):
    """
    What the lab shows now, as JSON, for the browser asking: the session
    its own cookie names and the requests its own lab cookie recorded.
    Nothing here names a session: no parameter can ask for another's.
    A path without a session (SESSION_FREE_PATHS): polling the feed is no
    use of the session, which goes on timing out as the lab shows.
    """
    view = live_view(
        lab_id=lab_id_of(request.COOKIES.get(settings.SESSION_LAB_COOKIE_NAME)),
        session_id=request.COOKIES.get(settings.SESSION_COOKIE_NAME),
    )
    return JsonResponse(view)
