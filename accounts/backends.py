from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from ops.clients import client_address

from . import throttling


class ThrottledModelBackend(ModelBackend):
    """
    Django's ModelBackend, its password checks throttled (accounts.throttling):
    whatever calls authenticate() with a request, the shop's login page, the
    admin's or the API's password grant, shares its counts (per username at
    one address, per username, per address).

    A check refused before hashing raises PermissionDenied, which makes
    authenticate() stop and answer None; the request then carries
    `password_checks_used_up` (seconds to wait), for the view to answer 429.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        try:
            reservation = throttling.reserve_password_check(
                username=username, address=client_address(request)
            )
        except throttling.PasswordChecksUsedUp as used_up:
            request.password_checks_used_up = used_up.retry_after
            raise PermissionDenied from used_up
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None:
            reservation.give_back()
        return user
