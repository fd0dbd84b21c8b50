"""The search service of an application and the search entry point.

:func:`service` finds the :class:`SearchService` that :func:`app.search.framework.init_search`
installed; :func:`search` runs one request with the actor's principals applied, off the gevent
event loop when the backend's work is Python (see :func:`run_cpu_bound`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask, current_app

from app.search.types import Backend, DocType, SearchRequest, SearchResult

EXTENSION_KEY = "jam3ia_search"
T = TypeVar("T")


@dataclass
class SearchService:
    backend: Backend
    doc_types: dict[str, DocType] = field(default_factory=dict)
    #: drain the outbox right after each commit that wrote to it
    autodrain: bool = True
    #: under gevent: the greenlet draining after commits, and whether a commit asked again
    drainer: Any = None
    drain_again: bool = False
    watchers: dict[type, list[tuple[str, Callable[[Any], Iterable[int]]]]] = field(
        default_factory=dict
    )


def service(app: Flask | None = None) -> SearchService:
    target = app or current_app
    svc: SearchService = target.extensions[EXTENSION_KEY]
    return svc


def gevent_patched() -> bool:
    """Whether gevent has patched threading (the gevent server); then the event loop is
    shared by every request of the worker."""
    if "gevent" not in sys.modules:  # gevent patches before anything else imports it
        return False
    # Lazy on purpose: gevent is optional (the gevent server only), and importing it here
    # when nothing patched would load it into every process.
    from gevent import monkey

    return bool(monkey.is_module_patched("threading"))


def run_cpu_bound(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)`` off the gevent event loop when gevent has patched threading."""
    if gevent_patched():
        import gevent  # lazy: optional, and already loaded when we get here (see above)

        result: T = gevent.get_hub().threadpool.apply(fn, args)
        return result
    return fn(*args)


def spawn(fn: Callable[..., Any], *args: Any) -> Any:
    """Start ``fn(*args)`` in a greenlet of its own (only where :func:`gevent_patched`)."""
    import gevent  # lazy: optional, and already loaded when we get here (see gevent_patched)

    return gevent.spawn(fn, *args)


def search(doc_type: str, request: SearchRequest, actor: Any = None) -> SearchResult:
    """Search one document type, with the actor's principals applied."""
    svc = service()
    dt = svc.doc_types[doc_type]
    principals = {"public"}
    if dt.principals is not None and actor is not None:
        principals.update(dt.principals(actor))
    request.principals = frozenset(principals)
    if svc.backend.cpu_bound:
        return run_cpu_bound(svc.backend.search, dt, request)
    return svc.backend.search(dt, request)


__all__ = [
    "EXTENSION_KEY",
    "SearchService",
    "gevent_patched",
    "run_cpu_bound",
    "search",
    "service",
    "spawn",
]
