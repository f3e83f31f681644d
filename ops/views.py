from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .clients import client_address
from .health import check_dependencies


@never_cache
def healthz(request):
    """
    200 {"status": "ok"} when every dependency answers, else 503
    {"status": "unavailable"}. From the stack's own address
    (HEALTH_DETAIL_ADDRESSES), each dependency's own status beside it: which
    one is down, or a clock off by how much, is for the stack's operator,
    not for anyone on the internet.
    """
    checks = check_dependencies()
    healthy = all(status == "ok" for status in checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    if client_address(request) in settings.HEALTH_DETAIL_ADDRESSES:
        body.update(checks)
    return JsonResponse(body, status=200 if healthy else 503)
