"""
The shop's production settings made to work over plain HTTP, for
make demo-hijack's broken site only (plain_http_site.conf.template): cookies
a browser sends over http:// as well, as a site without TLS needs.
"""

from shop.settings.production import *

# Not Secure, so sent over plain HTTP; and without the __Host- prefix,
# which a browser accepts only on a Secure cookie.
SESSION_COOKIE_NAME = "shop_session"
SESSION_COOKIE_SECURE = False
# The login form's CSRF check needs its cookie back over plain HTTP too.
CSRF_COOKIE_NAME = "csrftoken"
CSRF_COOKIE_SECURE = False
# Django's own message cookie, Secure only as the session cookie is (the
# shop's is a Secure __Host- cookie).
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
