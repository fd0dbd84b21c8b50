"""The JSON API conventions shared by every feature.

- ``api``: the flask-smorest ``Api`` that collects every feature's blueprint under ``/api/v1``
  and generates ``/api/v1/openapi.json`` from the marshmallow schemas.
- Errors: ``{"error": {"code", "message", "fields"}}``; raise :class:`ApiError` (or let any
  ``HTTPException`` through: it is converted). HTML pages get a rendered error page instead.
- Lists: :func:`paginate` and :func:`page_schema` give ``{items, total, page, per_page}``.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from html import escape
from typing import Any

import marshmallow as ma
from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint
from sqlalchemy import Select, func, select
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.routing import IntegerConverter

from app.db import db
from app.validation_messages import translate_fields

log = logging.getLogger("jam3ia.api")
API_PREFIX = "/api/v1"
MAX_PER_PAGE = 100
#: The last page number a list accepts (beyond it the offset alone would be absurd).
MAX_PAGE = 100_000
#: The largest id a row can have (a signed 64-bit integer on PostgreSQL and SQLite).
MAX_ID = 2**63 - 1
#: How deeply a JSON request body may nest; deeper bodies are refused before they are parsed.
MAX_JSON_DEPTH = 64
DEFAULT_PER_PAGE = 20

DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(HTTPException):
    """An error with a machine code, a human message and optional per-field messages."""

    def __init__(
        self,
        status: int,
        code: str | None = None,
        message: str | None = None,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = code or DEFAULT_CODES.get(status, "error")
        self.message = message
        # marshmallow's own messages in the reader's language (app.validation_messages)
        self.fields = translate_fields(fields or {})
        self.extra_headers = headers or {}


def not_found(message: str | None = None) -> ApiError:
    """The 404 used for missing objects and for private objects the caller may not see."""
    return ApiError(404, "not_found", message or _("Not found."))


def invalid(
    message: str,
    fields: str | dict[str, list[Any]] | None = None,
    code: str = "validation_failed",
) -> ApiError:
    """The 422 of input that breaks a rule: ``message`` for the person, and per field what is
    wrong (a field's name gets ``message`` itself; a list may also name the wrong values, as
    ids). Forms show each beside its field. ``code`` tells clients which rule it broke."""
    if isinstance(fields, str):
        fields = {fields: [message]}
    return ApiError(422, code, message, fields or {})


class IdConverter(IntegerConverter):
    """``<int:...>`` in every URL, bounded: a value above :data:`MAX_ID` reaches the view as 0,
    which no row has, so it answers 404 like any missing id (for every method) instead of
    overflowing the database driver."""

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0


class Id(ma.fields.Integer):
    """An id in a query string or JSON body: a whole number from 1 to :data:`MAX_ID`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", ma.validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)


def id_arg(name: str, source: Any = None) -> int | None:
    """An optional id from the query string (or ``source``, e.g. ``request.form``): None when
    absent, not a number or out of range (no row has it)."""
    value = (request.args if source is None else source).get(name, type=int)
    return value if value is not None and 1 <= value <= MAX_ID else None


def json_nesting_exceeds(data: bytes | str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON text nests deeper than ``limit`` (brackets outside strings), in one pass.

    Python's parser recurses once per level: a body of 100,000 "[" would raise RecursionError.
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def refuse_deep_json() -> None:
    """400 for a JSON request body nested deeper than :data:`MAX_JSON_DEPTH` (before_request)."""
    if request.is_json and request.content_length != 0:
        body = request.get_data(cache=True)
        if json_nesting_exceeds(body):
            raise BadRequest(_("The JSON body is nested too deeply."))


def expected_version(form_value: Any = None) -> int | None:
    """The version an editor loaded: ``If-Match: "3"`` (or ``W/"3"``), else a form or body field.

    None when the client sent neither (old clients keep last-write-wins); 400 when unreadable.
    """
    raw = request.headers.get("If-Match") or form_value
    if raw is None or raw == "":
        return None
    text = str(raw).strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 9:
        raise ApiError(400, "bad_version", _("The version of the edited item is not valid."))
    return int(text)


def check_version(current: int, expected: int | None) -> None:
    """409 ``edit_conflict`` when someone else saved the item since the editor loaded it."""
    if expected is not None and expected != current:
        raise ApiError(
            409,
            "edit_conflict",
            _("Someone else changed this in the meantime. Reload to see their change."),
            fields={"version": current},
        )


def wants_json() -> bool:
    """Whether the current request should be answered in JSON rather than HTML."""
    if request.path.startswith(API_PREFIX) or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


def _flatten_webargs(messages: Any) -> dict[str, Any]:
    # webargs nests messages by location ({"json": {"field": [...]}}); clients want fields.
    if isinstance(messages, dict):
        flat: dict[str, Any] = {}
        for key, value in messages.items():
            if key in ("json", "query", "form", "files", "headers", "view_args") and isinstance(
                value, dict
            ):
                flat.update(value)
            else:
                flat[key] = value
        return flat
    return {"_schema": messages}


def _human_message(status: int, error: HTTPException) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with existing data."),
        413: _("The request is too large."),
        415: _("Unsupported content type."),
        422: _("Some fields are not valid."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side."),
    }
    return str(messages.get(status, error.description or error.name))


def error_payload(error: HTTPException) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The envelope, status and headers for any HTTP error."""
    status = error.code or 500
    headers: dict[str, str] = {}
    if isinstance(error, ApiError):
        body = {
            "code": error.error_code,
            "message": error.message or _human_message(status, error),
            "fields": error.fields,
        }
        headers.update(error.extra_headers)
        return {"error": body}, status, headers
    data = getattr(error, "data", None) or {}
    fields: dict[str, Any] = {}
    if "messages" in data:
        fields = translate_fields(_flatten_webargs(data["messages"]))
    elif "errors" in data:
        fields = translate_fields(_flatten_webargs(data["errors"]))
    headers.update(data.get("headers") or {})
    code = DEFAULT_CODES.get(status, "error")
    message = data.get("message") or _human_message(status, error)
    if status == 400 and getattr(error, "description", "").startswith("The CSRF"):
        code, message = "csrf_failed", _("The form expired or the CSRF token is missing.")
    if status == 429:
        message = _("Too many requests. Please wait a moment and try again.")
    return {"error": {"code": code, "message": message, "fields": fields}}, status, headers


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    field_errors = ma.fields.Dict(data_key="fields")


class ErrorEnvelopeSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


class Api(SmorestApi):
    """flask-smorest's Api with jam3ia's error envelope (and HTML error pages off the API)."""

    ERROR_SCHEMA = ErrorEnvelopeSchema  # every error response documents the envelope

    # The OpenAPI document is written when it is first read (``/api/openapi.json``, a test),
    # not at start-up: documenting ~600 operations took 0.2-0.4 s of every ``create_app`` (each
    # worker, each test) for a document most processes never serve. Same document, same order.
    _pending_docs: list[tuple[Any, Flask, str, Any]]

    def init_app(self, app: Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None:
        self._pending_docs = []
        super().init_app(app, spec_kwargs=spec_kwargs)

    _docs_lock = threading.Lock()

    @property
    def spec(self) -> Any:
        if "_pending_docs" in self.__dict__:
            with self._docs_lock:  # a second first reader waits for the whole document
                while self._pending_docs:
                    blp, app, name, parameters = self._pending_docs.pop(0)
                    blp.register_views_in_doc(
                        self, app, self._spec, name=name, parameters=parameters
                    )
                    self._spec.tag({"name": name, "description": blp.description})
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """Register ``blp`` on the app now; document it when the document is first read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._pending_docs.append((blp, self._app, name, parameters))

    def handle_http_exception(self, error: HTTPException) -> Any:
        payload, status, headers = error_payload(error)
        if wants_json():
            response = jsonify(payload)
            response.status_code = status
            response.headers.update(headers)
            if status == 429 and hasattr(error, "get_headers"):
                for key, value in error.get_headers():
                    if key.lower() == "retry-after":
                        response.headers[key] = value
            return response
        return Response(error_page(status, payload["error"]), status=status, headers=headers)


def error_page(status: int, error: dict[str, Any]) -> str:
    """The HTML error page; a bare one when the page itself cannot render.

    The full page shows the signed-in header, which reads the database: when the database is
    what failed, it is rendered again as for a visitor, and if even that fails (a template or
    the session broken), a page of plain text is better than the server's bare 500.
    """
    try:
        return render_template("errors/error.html", status=status, error=error)
    except Exception:
        log.exception("error page: rendering failed; retrying as for a visitor")
    try:
        db.session.rollback()
    except Exception:
        log.exception("error page: rollback failed")
    g.user = None
    try:
        return render_template("errors/error.html", status=status, error=error)
    except Exception:
        log.exception("error page: rendering failed again; answering a bare page")
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{status}</title></head>'
        f"<body><h1>{status}</h1><p>{escape(str(error.get('message', '')))}</p></body></html>"
    )


api = Api()


class PageArgsSchema(ma.Schema):
    """``page`` (from 1) and ``per_page`` (capped at 100) query arguments."""

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))
    per_page = ma.fields.Integer(
        load_default=DEFAULT_PER_PAGE, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE)
    )


@cache
def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list envelope schema ``{items, total, page, per_page}`` for ``item_schema``."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (ma.Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "total": ma.fields.Integer(required=True),
            "page": ma.fields.Integer(required=True),
            "per_page": ma.fields.Integer(required=True),
        },
    )


def paginate(query: Select[Any], page: int, per_page: int) -> dict[str, Any]:
    """Run ``query`` for one page; returns ``{items, total, page, per_page}``."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": list(items), "total": total or 0, "page": page, "per_page": per_page}


def make_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A blueprint for one package's API endpoints (mounted under ``/api/v1``)."""
    return Blueprint(f"{name}_api", import_name, url_prefix=API_PREFIX, description=description)


__all__ = [
    "API_PREFIX",
    "MAX_ID",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "ApiError",
    "ErrorEnvelopeSchema",
    "Id",
    "IdConverter",
    "PageArgsSchema",
    "api",
    "check_version",
    "error_payload",
    "expected_version",
    "id_arg",
    "make_blueprint",
    "not_found",
    "page_schema",
    "paginate",
    "wants_json",
]
