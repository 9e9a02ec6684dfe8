"""Security headers beyond those Django's SecurityMiddleware sends.

ContentSecurityPolicyMiddleware is django-csp's middleware with a second policy for the Django
admin (ADMIN_CONTENT_SECURITY_POLICY), which runs the admin's own scripts and styles; every other
response gets CONTENT_SECURITY_POLICY.

SecurityHeadersMiddleware adds Cross-Origin-Resource-Policy and Permissions-Policy. Both come
first in MIDDLEWARE, so static files (WhiteNoise), error pages and the redirect to HTTPS carry the
headers too.
"""

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy, default_config
from django.conf import settings

# Attributes by which a view's csp decorators change the policy of its response.
VIEW_POLICY_ATTRIBUTES = tuple(
    f"_csp_{name}{suffix}"
    for name in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


def is_admin(request):
    """Whether the request was routed to the Django admin (in any language's address)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.namespaces


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """CONTENT_SECURITY_POLICY everywhere except in the admin, which answers with
    ADMIN_CONTENT_SECURITY_POLICY. A view's own csp decorators still take precedence."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.built = {}

    def process_response(self, request, response):
        """The policy of the settings, built once per setting value, on a response whose view
        changed nothing and whose request used no nonce: every public page and most admin
        pages. Anything else goes through django-csp's own building."""
        if (
            getattr(request, "_csp_nonce", None) is not None
            or HEADER in response
            or any(hasattr(response, name) for name in VIEW_POLICY_ATTRIBUTES)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        response[HEADER] = self.settings_policy(is_admin(request))
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def settings_policy(self, admin):
        source = (
            settings.ADMIN_CONTENT_SECURITY_POLICY if admin else settings.CONTENT_SECURITY_POLICY
        )
        built = self.built.get(admin)
        if built is None or built[0] is not source:  # first time, or the settings changed
            config = default_config(source["DIRECTIVES"]) if admin else None
            built = (source, build_policy(config=config))
            self.built[admin] = built
        return built[1]

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
