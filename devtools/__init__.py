"""Development, test and benchmark tooling (`manage.py generate_volume`, ...).

Installed by the dev, test and bench settings only, never in production.
"""
