"""Building blocks with no models and no knowledge of the portal's content: form widgets that
write their HTML in Python, filter fields that load their choices once, the process-wide choice
cache, the page cache for visitors without a session, and the `content_changed` signal that says
any published content may have changed.

Every other package of the portal may use these; this one imports none of them.
"""
