"""Production server settings: `gunicorn -c gunicorn.conf.py portal.wsgi` (the benchmark's).

The background worker runs beside it, as its own service: `manage.py render_worker --no-reload`.
"""

import logging
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, two per core: measured here, threads (gthread) raised the p99 of a cached
# download from about 11 ms to 170 ms under 20 concurrent clients.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
loglevel = "warning"


def post_fork(server, worker):
    """The access log names no private feed token (portal.logs), in every worker."""
    from portal.logs import RedactFeedTokens

    logging.getLogger("gunicorn.access").addFilter(RedactFeedTokens())
