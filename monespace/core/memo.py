"""Small read-mostly tables kept in each process for a short while.

Some pages show rows that change a few times a year and are the same for everyone (the OPCO's
« Informations », the staff who are the companies' contacts). Reading them on every page would
cost a query each; keeping them in the process for ``seconds`` costs nothing, and the service
that changes them clears the copy of its own process at once (the others follow within
``seconds``).
"""

import threading
import time
from collections.abc import Callable
from functools import wraps

_all: list = []


def process_cached(seconds: float) -> Callable:
    """Cache a function's result per process and per arguments for ``seconds``; ``f.clear()``."""

    def decorate(function):
        store: dict = {}
        lock = threading.Lock()

        @wraps(function)
        def wrapped(*args):
            now = time.monotonic()
            with lock:
                hit = store.get(args)
            if hit is not None and now - hit[0] < seconds:
                return hit[1]
            value = function(*args)
            with lock:
                store[args] = (now, value)
            return value

        def clear():
            with lock:
                store.clear()

        wrapped.clear = clear
        _all.append(wrapped)
        return wrapped

    return decorate


def clear_all() -> None:
    """Forget every cached value of this process (tests, and after a change)."""
    for function in _all:
        function.clear()
