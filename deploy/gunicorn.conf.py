# gunicorn.conf.py is the name gunicorn documents for its configuration file.
# ruff: noqa: N999
"""
gunicorn settings shared by the local stack (deploy/stack.py) and Docker
(docker-compose.yml). Where to bind, the pid file and the log files differ
between the two and are given on the command line.
"""

import os

wsgi_app = "shop.wsgi:application"

# Several workers on purpose: the point of the shop is that a user stays
# logged in whichever worker serves the next request.
workers = int(os.environ.get("WORKERS", "4"))
worker_class = "sync"

# A request that takes longer than this is stuck; the worker is replaced.
timeout = 30
# On a graceful stop or reload (SIGTERM, SIGHUP) workers finish what they
# are serving first; sessions live in Redis, so no user notices.
graceful_timeout = 20

proc_name = "shop"

# Keep the default access log format: it has no cookies and no session ids.
accesslog = "-"
errorlog = "-"

# A request line as long as nginx takes (its large_client_header_buffers, 8k)
# and no longer than gunicorn allows: nginx answers a longer one itself (414,
# a problem under /api/), and none shorter gets gunicorn's bare HTML 400
# (its default, 4094, refused lines nginx had passed on).
limit_request_line = 8190
