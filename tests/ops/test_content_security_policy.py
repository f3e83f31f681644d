"""
The shop's fixed CSP is built once (ops.middleware.FixedPolicyCSPMiddleware),
and says exactly what django-csp would have said; a response that asks for
a policy of its own still gets the library's handling.
"""

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from ops.middleware import FixedPolicyCSPMiddleware


def header_from(middleware_class, view, request=None):
    request = request or RequestFactory().get("/")
    middleware = middleware_class(view)
    middleware.process_request(request)
    return middleware.process_response(request, view(request)).get("Content-Security-Policy")


def plain_view(request):
    return HttpResponse("plain")


@csp_update({"img-src": ["images.example.com"]})
def view_with_a_policy_of_its_own(request):
    return HttpResponse("pictures")


def view_with_a_nonce(request):
    return HttpResponse(f"nonce {request.csp_nonce}")


def test_a_page_gets_the_policy_django_csp_would_have_given_it(client, db):
    answer = client.get("/")

    assert answer["Content-Security-Policy"] == header_from(CSPMiddleware, plain_view)
    assert "default-src 'self'" in answer["Content-Security-Policy"]


def test_the_policy_is_built_once_not_per_response(monkeypatch):
    middleware = FixedPolicyCSPMiddleware(plain_view)
    monkeypatch.setattr("csp.middleware.build_policy", lambda **parts: "built again")
    request = RequestFactory().get("/")
    middleware.process_request(request)

    assert (
        middleware.process_response(request, plain_view(request))["Content-Security-Policy"] != "built again"
    )


def test_a_view_with_a_policy_of_its_own_gets_it(settings):
    header = header_from(FixedPolicyCSPMiddleware, view_with_a_policy_of_its_own)

    assert "images.example.com" in header
    assert header == header_from(CSPMiddleware, view_with_a_policy_of_its_own)


def test_a_response_that_used_a_nonce_carries_it_in_its_header(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    request = RequestFactory().get("/")
    middleware = FixedPolicyCSPMiddleware(view_with_a_nonce)
    middleware.process_request(request)
    response = middleware.process_response(request, view_with_a_nonce(request))

    assert f"'nonce-{request._csp_nonce}'" in response["Content-Security-Policy"]


def test_settings_with_a_report_only_policy_get_the_librarys_handling(settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF]}}
    request = RequestFactory().get("/")
    middleware = FixedPolicyCSPMiddleware(plain_view)
    middleware.process_request(request)

    assert "Content-Security-Policy-Report-Only" in middleware.process_response(request, plain_view(request))


def test_settings_with_no_policy_give_no_header(settings):
    settings.CONTENT_SECURITY_POLICY = None

    assert header_from(FixedPolicyCSPMiddleware, plain_view) is None
