"""Browser-facing protections: security headers on every response and the origins Socket.IO
accepts.

Every response carries a Content-Security-Policy that allows scripts, styles, images, audio and
connections from the server's own origin only (no inline script, no framing), plus
``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` and a ``Referrer-Policy``.
The pages keep their per-page settings in ``<script type="application/json">`` blocks, which a
CSP does not treat as script.

Socket.IO answers a browser (a request with an ``Origin`` header) only from the server's own
origin, the origin of ``HALLQ_PUBLIC_URL`` and those listed in ``HALLQ_ALLOWED_ORIGINS``
(comma-separated, e.g. ``https://screens.example.gov.cn``). Agents send no ``Origin`` and are not
affected.
"""

from urllib.parse import urlsplit

from flask import Flask

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Tracking links carry the ticket's token in the path: never send it elsewhere.
    "Referrer-Policy": "no-referrer",
}


def _add_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL, lower-cased; None for anything that is not http(s)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def configured_origins(public_url: str, allowed: str) -> frozenset[str]:
    """The origins besides the server's own: ``HALLQ_PUBLIC_URL``'s and the listed ones."""
    found = {origin_of(item) for item in [public_url, *allowed.split(",")] if item.strip()}
    return frozenset(o for o in found if o)


def _own_origins(environ) -> set[str]:
    """The origin the request was addressed to (and, behind a proxy, the forwarded one)."""
    host = environ.get("HTTP_HOST")
    if not host:
        return set()
    scheme = environ.get("wsgi.url_scheme", "http")
    own = {f"{scheme}://{host}".lower()}
    forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
    forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
    own.add(f"{forwarded_scheme}://{forwarded_host}".lower())
    return own


def origin_checker(extra: frozenset[str]):
    """A ``cors_allowed_origins`` callable for python-engineio: same origin or ``extra``."""

    def allowed(origin, environ=None) -> bool:
        if not origin:
            return True
        origin = origin.lower()
        return origin in extra or origin in _own_origins(environ or {})

    return allowed


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
