"""WSGI entry point for gunicorn (``jam3ia serve``). gevent patches the world first."""

import gc
import os

if os.environ.get("JAM3IA_ASYNC_MODE") == "gevent":
    from gevent import monkey

    monkey.patch_all()

from app import create_app
from app.search.framework import warm

application = create_app()
# the search index's in-memory view is built now, not by the first user's query
warm(application)

# Everything built so far (translation catalogs, mappers, templates, search caches) lives as
# long as the worker: take it out of the cyclic collector's scans. With 1,000 sockets open a
# full collection over those objects stopped the whole worker for 200-500 ms (measured with
# gc.callbacks in bench/chat.py); frozen, the pauses are a fraction of that.
gc.collect()
gc.freeze()
