"""gunicorn's settings for the portal: `gunicorn -c gunicorn.conf.py sscportal.wsgi`.

Every value can be changed through the environment, so one file serves every machine.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request holds one worker, so size them to the cores (2 per core plus one is
# gunicorn's own advice) and let the proxy in front queue the rest.
workers = int(os.environ.get("GUNICORN_WORKERS", str((os.cpu_count() or 1) * 2 + 1)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker that has served this many requests is replaced, so that a slow leak cannot grow.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Logs go to stdout and stderr, where the process manager collects them; GUNICORN_ACCESS_LOG
# set empty turns the access log off (the benchmarks do, so as not to measure the logging).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# gunicorn's usual line, then the time taken and the portal's X-Request-ID (the id on the
# portal's own lines for that request).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'
)
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy in front terminates TLS and says which scheme and client it saw.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Work that makes progress for longer than `timeout` (a download of a long list) reports
    the worker alive as it goes (core/heartbeat.py); a request that hangs is still killed."""
    from core import heartbeat

    heartbeat.install(worker.notify)
