from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from session_state.oauth import endpoints as oauth

from . import problems


@csrf_exempt  # a POST to a path that is not the API's is a 404, not a CSRF page
def not_found(request):
    return problems.response("not_found")


def problem_type(request, code: str):
    """
    The page a problem's type URI names (RFC 9457 §3.1.1: a type URI that is
    a locator, when dereferenced, should document the problem type).
    """
    kind = problems.KINDS.get(code)
    if kind is None:
        raise Http404
    return render(
        request, "api/problem_type.html", {"code": code, "kind": kind, "type_uri": problems.type_uri(code)}
    )


@require_GET
def authorization_server_metadata(request):
    """RFC 8414 §3: the server's metadata, at /.well-known/oauth-authorization-server."""
    response = JsonResponse(oauth.metadata())
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_GET
def jwks(request):
    """
    The public keys that verify access tokens (RFC 7517 §5), the metadata's
    jwks_uri. Cached briefly: a new key is published before it signs, so a
    verifier that meets an unknown kid fetches this again.
    """
    response = JsonResponse(oauth.jwks())
    patch_cache_control(response, public=True, max_age=300)
    return response
