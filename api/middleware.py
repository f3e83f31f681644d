from django.conf import settings
from django.http import JsonResponse

# Headers an error answer keeps when it is made JSON.
_KEPT = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiResponsesMiddleware:
    """
    What every response under the API's paths is, whatever made it:

    - never stored (Cache-Control: no-store): tokens (RFC 6749 §5.1) and a
      user's cart and orders;
    - never a cookie: the API reads none and sets none (the session
      middleware leaves these paths alone: SESSION_FREE_PATHS);
    - JSON, errors included, even those made before or outside the API's
      own handlers (api.errors): ninja's 405, Django's CSRF 403 or an
      undecodable body's 400 (ops.middleware), a 500 of Django's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.API_PATH):
            return response
        if response.status_code >= 400 and response.get("Content-Type", "").split(";")[0] != "application/json":
            json_response = JsonResponse(
                {"detail": response.reason_phrase, "code": response.reason_phrase.lower().replace(" ", "_")},
                status=response.status_code,
            )
            for header in _KEPT:
                if header in response:
                    json_response[header] = response[header]
            response = json_response
        response["Cache-Control"] = "no-store"
        response.cookies.clear()
        return response
