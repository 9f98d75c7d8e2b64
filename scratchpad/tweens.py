"""Security headers on every response, error pages and static files included."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Bootstrap's CSS draws a few icons as data: SVG images.
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Sent only where the site is served over HTTPS (``scratchpad.hsts = true``).
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def security_headers_tween_factory(handler, registry):
    headers = dict(HEADERS)
    if registry.settings["scratchpad.hsts"]:
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY

    def security_headers_tween(request):
        response = handler(request)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    return security_headers_tween


def includeme(config):
    config.add_tween("scratchpad.tweens.security_headers_tween_factory")
