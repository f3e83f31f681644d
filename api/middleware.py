from django.conf import settings
from django.http import JsonResponse


class ApiResponsesMiddleware:
    """
    What every response under the API's paths is, whatever made it:

    - never stored (Cache-Control: no-store): tokens (RFC 6749 §5.1) and a
      user's cart and orders;
    - never a cookie: the API reads none and sets none (the session
      middleware leaves these paths alone: SESSION_FREE_PATHS);
    - JSON, even where ninja answers otherwise (405 Method not allowed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.API_PATH):
            return response
        if (
            response.status_code == 405
            and response.get("Content-Type", "").split(";")[0] != "application/json"
        ):
            allow = response.get("Allow", "")
            response = JsonResponse(
                {"detail": "Method not allowed.", "code": "method_not_allowed"}, status=405
            )
            response["Allow"] = allow
        response["Cache-Control"] = "no-store"
        response.cookies.clear()
        return response
