"""Counting attempts in the cache, for what allauth's own rate limits do not cover."""

from django.core.cache import cache


def attempts(key):
    return cache.get(f"attempts:{key}", 0)


def is_blocked(key, *, limit):
    return attempts(key) >= limit


def record_failure(key, *, window):
    cache_key = f"attempts:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        return 1


def reset(key):
    cache.delete(f"attempts:{key}")
