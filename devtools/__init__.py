"""Development, test and benchmark tooling: test factories and sample files, Chromium for the
browser tests, the benchmark data generator (`manage.py generate_volume`) and settings.

Installed by the dev, test and bench settings only, never in production.
"""
