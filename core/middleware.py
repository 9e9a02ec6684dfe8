"""Security headers beyond those Django's SecurityMiddleware sends.

ContentSecurityPolicyMiddleware is django-csp's middleware with a second policy for the Django
admin (ADMIN_CONTENT_SECURITY_POLICY), which runs the admin's own scripts and styles; every other
response gets CONTENT_SECURITY_POLICY.

SecurityHeadersMiddleware adds Cross-Origin-Resource-Policy and Permissions-Policy. Both come
first in MIDDLEWARE, so static files (WhiteNoise), error pages and the redirect to HTTPS carry the
headers too.
"""

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings


def is_admin(request):
    """Whether the request was routed to the Django admin (in any language's address)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.namespaces


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """CONTENT_SECURITY_POLICY everywhere except in the admin, which answers with
    ADMIN_CONTENT_SECURITY_POLICY. A view's own csp decorators still take precedence."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin(request):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts


def permissions_policy(features):
    """The Permissions-Policy header value that allows each feature to the origins given, none
    when the list is empty: {"camera": []} -> 'camera=()'."""
    return ", ".join(
        f"{feature}=({' '.join(origins)})" for feature, origins in sorted(features.items())
    )


class SecurityHeadersMiddleware:
    """Cross-Origin-Resource-Policy (CROSS_ORIGIN_RESOURCE_POLICY) and Permissions-Policy
    (PERMISSIONS_POLICY) on every response that does not set them itself."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {}
        if settings.CROSS_ORIGIN_RESOURCE_POLICY:
            self.headers["Cross-Origin-Resource-Policy"] = settings.CROSS_ORIGIN_RESOURCE_POLICY
        if settings.PERMISSIONS_POLICY:
            self.headers["Permissions-Policy"] = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response
