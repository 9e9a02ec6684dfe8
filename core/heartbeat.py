"""Telling the process manager that a worker busy with one long answer is still at work.

gunicorn's sync workers report to their master between requests; one silent for longer than
GUNICORN_TIMEOUT (30 s) is taken for stuck, killed and replaced. That is right for a request that
hangs, and wrong for one that makes progress all along, such as a download of a list of 100,000
case studies (publishing/downloads.py), which may take a minute. Such work calls `beat()` at each
step it completes (a chunk of records): under gunicorn that reports the worker alive, as it would
between requests, so only a step that itself hangs for the whole timeout is taken for stuck.

gunicorn.conf.py installs the worker's own report (`worker.notify`) once the worker has started;
elsewhere (the development server, the tests, a management command) `beat()` does nothing.
"""

_notify = None


def install(notify):
    """`notify`: what tells the process manager this worker is alive (gunicorn's worker.notify)."""
    global _notify
    _notify = notify


def beat():
    if _notify is not None:
        _notify()
