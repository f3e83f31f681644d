from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # a POST to a path that is not the API's is a 404, not a CSRF page
def not_found(request):
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
