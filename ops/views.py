from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .health import check_dependencies


@never_cache
def healthz(request):
    """JSON status of each dependency: 200 when all are "ok", 503 otherwise."""
    checks = check_dependencies()
    healthy = all(status == "ok" for status in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )
