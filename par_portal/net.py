"""The client's IP address, the one rule for login throttling (django-axes) and the audit trail.

Behind a reverse proxy REMOTE_ADDR is the proxy's. With TRUSTED_PROXY_COUNT=n (n proxies of our
own in front of the portal) the client is the n-th address from the right of X-Forwarded-For;
anything further left was written by the client and is not trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None
