from django.contrib.sessions import middleware as session_middleware
from redis.exceptions import RedisError

from shop.errors import service_unavailable


class SessionMiddleware(session_middleware.SessionMiddleware):
    """
    Django's SessionMiddleware, except that a failed save answers 503.

    Saving happens in process_response, after the views' exception handling
    (shop.middleware.ServiceUnavailableMiddleware) has run, so this is the one
    place that can turn a Redis outage at save time into a clear page instead
    of a 500. The session cookie is left alone: the session is still in Redis
    and the user is still logged in once Redis answers again.
    """

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except RedisError as error:
            return service_unavailable(request, service="redis", error=error)
