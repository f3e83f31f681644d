import logging

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from .health import check_dependencies
from .models import Product

logger = logging.getLogger(__name__)

_UNAVAILABLE_MESSAGES = {
    "redis": "We can't reach the session store right now.",
    "database": "We can't reach the database right now.",
}


def home(request):
    return render(request, "shop/home.html", {"products": Product.objects.all()})


def product_detail(request, slug):
    product = get_object_or_404(Product, slug=slug)
    return render(request, "shop/product_detail.html", {"product": product})


@never_cache
def healthz(request):
    """JSON status of each dependency: 200 when all answer, 503 otherwise."""
    checks = check_dependencies()
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            **{name: "ok" if ok else "down" for name, ok in checks.items()},
        },
        status=200 if healthy else 503,
    )


def service_unavailable(request, *, service, error):
    """
    The 503 page for a dependency ("redis" or "database") that does not answer.

    Called from middleware, never routed. Its template must not touch the
    session or the user: those are what just failed.
    """
    logger.warning(
        "503 for %s %s: %s unreachable (%s: %s)", request.method, request.path, service, type(error).__name__, error
    )
    response = render(
        request,
        "503.html",
        {"message": _UNAVAILABLE_MESSAGES[service]},
        status=503,
    )
    response["Retry-After"] = "5"
    return response
