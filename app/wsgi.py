"""WSGI entry point for gunicorn (``jam3ia serve``). gevent patches the world first."""

import os

if os.environ.get("JAM3IA_ASYNC_MODE") == "gevent":
    from gevent import monkey

    monkey.patch_all()

from app import create_app

application = create_app()
