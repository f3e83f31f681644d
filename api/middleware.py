import json

from django.conf import settings

from . import problems

# Headers an error answer keeps when it is made a problem.
_KEPT = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiResponsesMiddleware:
    """
    What every response under the API's paths is, whatever made it:

    - never stored (Cache-Control: no-store): tokens (RFC 6749 §5.1) and a
      user's cart and orders;
    - never a cookie: the API reads none and sets none (the session
      middleware leaves these paths alone: SESSION_FREE_PATHS);
    - an error is a problem (RFC 9457, api.problems), even one made before
      or outside the API's own handlers (api.errors): ninja's 405, an
      undecodable body's 400 (ops.middleware), a 500 of Django's, a JSON
      error an endpoint returned itself. The one exception is the token
      endpoints' OAuth errors (RFC 6749 §5.2: {"error", "error_description"}).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.API_PATH):
            return response
        if response.status_code >= 400 and not problems.is_problem(response):
            said = _json_object(response)
            if not _is_oauth_error(response.status_code, said):
                response = _as_problem(response, said or {})
        response["Cache-Control"] = "no-store"
        response.cookies.clear()
        return response


def _as_problem(response, said: dict):
    """The problem for an error response made elsewhere: its status and headers, its code and detail if it said them."""
    code, detail = said.get("code"), said.get("detail")
    return problems.response(
        code if isinstance(code, str) and code else problems.code_of_status(response.status_code),
        detail if isinstance(detail, str) and detail else None,
        status=response.status_code,
        headers={name: response[name] for name in _KEPT if name in response},
    )


def _is_oauth_error(status: int, said: dict | None) -> bool:
    """RFC 6749 §5.2's error response: 400 (or 401; or the lockout's 429), with an "error" code of its own."""
    return status in (400, 401, 429) and said is not None and isinstance(said.get("error"), str)


def _json_object(response) -> dict | None:
    if response.streaming or response.get("Content-Type", "").split(";")[0].strip() != "application/json":
        return None
    try:
        said = json.loads(response.content)
    except ValueError:
        return None
    return said if isinstance(said, dict) else None
