from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage


class HostCookieStorage(CookieStorage):
    """
    Django's cookie storage for flash messages (MESSAGE_STORAGE), in a
    __Host- cookie like the session's: Secure, Path=/, no Domain, so no
    sibling subdomain can plant or overwrite a message; and HttpOnly, its
    deletion too (Django's delete_cookie() would send that one without).
    """

    cookie_name = "__Host-messages"

    def _update_cookie(self, encoded_data, response):
        if encoded_data:
            return super()._update_cookie(encoded_data, response)
        response.set_cookie(
            self.cookie_name,
            "",
            max_age=0,
            expires="Thu, 01 Jan 1970 00:00:00 GMT",
            secure=True,
            httponly=True,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
