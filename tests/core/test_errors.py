"""A database that goes away mid-request gets a clean answer: a 503 page or JSON envelope,
never the server's bare 500 or a traceback, and the next requests succeed again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from app.db import db


class Outage:
    """While ``on``, every SQL statement fails as the driver fails when its server is gone."""

    def __init__(self, app: Flask) -> None:
        with app.app_context():
            self.engine = db.engine
        self.on = False
        dbapi = self.engine.dialect.loaded_dbapi
        self.error = dbapi.OperationalError

    def _before(self, *_args: Any, **_kwargs: Any) -> None:
        if self.on:
            raise self.error("server closed the connection unexpectedly")

    @contextmanager
    def installed(self) -> Iterator[Outage]:
        event.listen(self.engine, "before_cursor_execute", self._before)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._before)


def test_outage_answers_503_page_and_envelope_then_recovers(app, logged_in, api, user):
    browser, token_client = logged_in(user), api(user)
    with Outage(app).installed() as outage:
        outage.on = True
        page = browser.get("/")
        assert page.status_code == 503
        assert page.mimetype == "text/html"
        html = page.get_data(as_text=True)
        assert "<html" in html and "Traceback" not in html
        assert page.headers.get("Content-Security-Policy")  # the headers are still set
        answer = token_client.get("/api/v1/me")
        assert answer.status_code == 503
        assert answer.json["error"]["code"] == "unavailable"
        outage.on = False
        assert browser.get("/").status_code == 200
        assert token_client.get("/api/v1/me").status_code == 200


def test_error_page_of_a_crash_during_an_outage_renders_as_for_a_visitor(app, logged_in, user):
    outage = Outage(app)

    @app.route("/_test/crash")
    def crash() -> str:
        outage.on = True  # the database goes away, then the view fails for another reason
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: no test re-raise
    browser = logged_in(user)
    with outage.installed():
        page = browser.get("/_test/crash")
    assert page.status_code == 500
    html = page.get_data(as_text=True)
    assert "<html" in html and "boom" not in html and "Traceback" not in html
    assert user.display_name not in html  # the signed-in header could not load: a visitor's


def test_connection_cut_after_the_answer_keeps_the_answer(app, logged_in, user):
    """The page was made, then the connection died before the request's session closed (a
    database restart, a proxy dropping connections): closing rolls back on a dead connection.
    The answer stands (there was nothing left to undo) instead of the server's bare 500, and the
    next request gets a fresh connection."""
    browser = logged_in(user)
    dialect = db.engine.dialect
    real_rollback = dialect.do_rollback
    cut = {"on": False, "times": 0}

    def rollback(connection: Any) -> None:
        if cut["on"]:  # the connection dies: the driver's own error follows, and no lock or
            cut["times"] += 1  # open transaction stays behind on the server
            connection.dbapi_connection.close()
        real_rollback(connection)

    dialect.do_rollback = rollback  # type: ignore[method-assign]
    try:
        cut["on"] = True
        page = browser.get("/")
        cut["on"] = False
    finally:
        dialect.do_rollback = real_rollback  # type: ignore[method-assign]
    assert cut["times"] >= 1, "the session never rolled back: the test shows nothing"
    assert page.status_code == 200
    assert user.display_name in page.get_data(as_text=True)
    assert browser.get("/").status_code == 200
