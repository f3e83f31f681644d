import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """
    The address nginx saw the request come from (CLIENT_IP_META_KEY:
    X-Real-IP, which nginx overwrites, so a client cannot choose its own;
    X-Forwarded-For is never read); REMOTE_ADDR without nginx.
    """
    return request.META.get(settings.CLIENT_IP_META_KEY) or request.META.get("REMOTE_ADDR", "")


def counted_as(address: str) -> str:
    """
    What a count per client address counts by: the address, or for IPv6
    its /64, which one host holds whole (RFC 6177 gives a site a /56 or a
    /48): counted by the address, a host could count afresh from each of
    its 2**64. "unknown" for none.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address) + "/64"
    return str(parsed)
