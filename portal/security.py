"""Security headers Django 5.2 does not send itself: Content-Security-Policy and
Permissions-Policy (Referrer-Policy comes from Django's SecurityMiddleware).

The policy is the setting ``SECURE_CSP``, a dict of directive → sources in the shape of
Django 6.0's own setting of that name, so that moving to Django 6 means swapping this
middleware for ``django.middleware.csp.ContentSecurityPolicyMiddleware``.
"""

from functools import wraps

from django.conf import settings

# CKEditor 5 writes style attributes into its own editing area and widgets (an image's
# aspect-ratio, the upload's progress bar) through the DOM, which a policy without
# 'unsafe-inline' for style attributes blocks. Only the pages that load the editor allow
# them, and only attributes (``style-src-attr``): <style> elements, scripts and every other
# source stay as strict as everywhere else. Browsers without CSP level 3 fall back to
# ``style-src``, where the editor then only loses those sizes.
EDITOR_DIRECTIVES = {"style-src-attr": ["'unsafe-inline'"]}


def policy_header(policy: dict[str, list[str] | bool]) -> str:
    """``{"default-src": ["'self'"], "upgrade-insecure-requests": True}`` → a header value."""
    parts = []
    for directive, sources in policy.items():
        if sources is True:
            parts.append(directive)
        elif sources:
            parts.append(" ".join([directive, *sources]))
    return "; ".join(parts)


def permissions_header(denied: list[str]) -> str:
    """Features no page of the portal uses, switched off for it and for anything it embeds."""
    return ", ".join(f"{feature}=()" for feature in denied)


def editor_policy(view):
    """The view's pages load CKEditor 5: the policy with ``EDITOR_DIRECTIVES`` added."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        policy = {**settings.SECURE_CSP, **EDITOR_DIRECTIVES}
        response.headers["Content-Security-Policy"] = policy_header(policy)
        return response

    return wrapped


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy to every HTML page and the Permissions-Policy to
    every response.

    The policy governs documents a browser renders; a PDF shown inline is left without one,
    so that no policy of the page can stand in the way of the browser's PDF viewer. A view
    that needs another policy sets its own header; it is left as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        headers = response.headers
        if headers.get("Content-Type", "").startswith("text/html"):
            headers.setdefault("Content-Security-Policy", policy_header(settings.SECURE_CSP))
        headers.setdefault(
            "Permissions-Policy", permissions_header(settings.PERMISSIONS_POLICY_DENIED)
        )
        return response
