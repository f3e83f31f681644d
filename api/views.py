from django.http import JsonResponse


def not_found(request):
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
