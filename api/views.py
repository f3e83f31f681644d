from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

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
