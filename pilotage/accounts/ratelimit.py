"""Fixed-window counters in the cache, for limits that need no database row (the password reset)."""

import hashlib

from django.core.cache import cache


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one event under `key`; True while the window (opened by the first event) holds ≤ `limit`."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def digest(value: str) -> str:
    """A cache-key-safe stand-in for a personal value (an e-mail address is not written as such)."""
    return hashlib.sha256(value.encode()).hexdigest()
