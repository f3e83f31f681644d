from django.conf import settings


def client_address(request) -> str:
    """
    The address nginx saw the request come from (CLIENT_IP_META_KEY:
    X-Real-IP, which nginx overwrites, so a client cannot choose its own;
    X-Forwarded-For is never read); REMOTE_ADDR without nginx.
    """
    return request.META.get(settings.CLIENT_IP_META_KEY) or request.META.get("REMOTE_ADDR", "")
