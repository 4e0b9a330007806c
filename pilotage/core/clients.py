"""Who is on the other end of a request: the client's IP address, behind the reverse proxies we trust."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address, used by every per-address limit (login lockout, password reset).

    Without a trusted proxy, `REMOTE_ADDR`. Behind `TRUSTED_PROXY_COUNT` reverse proxies that each append the
    address they received the request from to `X-Forwarded-For`, the entry the outermost of them wrote: the
    client cannot forge it (anything it sends itself stays to the left). A missing or malformed entry falls
    back to `REMOTE_ADDR`. (django-ipware guesses among many headers; one explicit rule is easier to trust.)
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
