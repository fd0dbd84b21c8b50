"""Reads remembered for the rest of a GET request.

A page asks the same small questions several times while its blocks are drawn (the viewer's
memberships for the header, the projects block, the library block; the viewer's membership
in the association for its access checks). :func:`per_request` answers the repeats from
the request's own memo instead of the database.

Only GET and HEAD requests remember: a write (any other method) may change what was read, so
it always reads afresh, and so does code outside a request (jobs, the CLI, tests calling
services) and a Socket.IO event (it runs in its connection's handshake request, which lasts as
long as the connection). The arguments are the key: pass ids, not ORM objects.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

from flask import has_request_context, request

P = ParamSpec("P")
T = TypeVar("T")

_READS = ("GET", "HEAD")


def _remembering() -> bool:
    """Inside a page's or an API's GET, not a Socket.IO event: every event of a connection runs
    in the context of its handshake's GET (``request.sid`` set), which lasts as long as the
    connection (a membership read at connect would be stale, and detached, by the next event)."""
    return (
        has_request_context() and request.method in _READS and getattr(request, "sid", None) is None
    )


def per_request(fn: Callable[P, T]) -> Callable[P, T]:
    """``fn`` (a read whose arguments are hashable) remembered for the rest of a GET request."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def remembered(*args: P.args, **kwargs: P.kwargs) -> T:
        if not _remembering():
            return fn(*args, **kwargs)
        memo: dict[Hashable, Any] = request.environ.setdefault("jam3ia.memo", {})
        key = (name, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = fn(*args, **kwargs)
        result: T = memo[key]
        return result

    return remembered


__all__ = ["per_request"]
