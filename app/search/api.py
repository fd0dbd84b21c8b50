"""``GET /api/v1/search``: one search box over every registered document type."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from app.accounts.auth import get_current_user
from app.api import MAX_PER_PAGE, PageArgsSchema, make_blueprint
from app.search.analysis import MAX_QUERY_CHARS
from app.search.query import THIN_RESULTS
from app.search.service import search, service
from app.search.types import SearchRequest

blp = make_blueprint("search", __name__, "Search across associations, topics, posts and projects.")

SCOPES = ("all", "associations", "topics", "posts", "projects", "pages", "documents")


class SearchArgsSchema(PageArgsSchema):
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=10 * MAX_QUERY_CHARS))
    scope = ma.fields.String(load_default="all", validate=ma.validate.OneOf(SCOPES))


class SearchHitSchema(ma.Schema):
    type = ma.fields.String(required=True)
    id = ma.fields.Integer(required=True)
    title = ma.fields.String()
    url = ma.fields.String()
    snippet = ma.fields.String()


class SearchResultsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SearchHitSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    totals = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    suggestion = ma.fields.String(allow_none=True)


@blp.route("/search")
class Search(MethodView):
    @blp.arguments(SearchArgsSchema, location="query")
    @blp.response(200, SearchResultsSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search. ``scope=all`` interleaves the best hits of each type; ``totals`` per type."""
        svc = service()
        scope = args["scope"]
        names = [n for n in SCOPES[1:] if n in svc.doc_types and scope in ("all", n)]
        page, per_page = args["page"], min(args["per_page"], MAX_PER_PAGE)
        actor = get_current_user()
        lists: list[list[dict[str, Any]]] = []
        totals: dict[str, int] = {}
        suggestion = None
        for name in names:
            doc_type = svc.doc_types[name]
            request = SearchRequest(
                q=args["q"], page=1 if scope == "all" else page, per_page=per_page
            )
            if scope == "all":
                request.per_page = page * per_page
            result = search(name, request, actor=actor)
            totals[name] = result.total
            suggestion = suggestion or result.suggestion
            described = doc_type.describe(result.ids) if doc_type.describe else {}
            lists.append([{"type": name, "id": i, **described.get(i, {})} for i in result.ids])
        if scope == "all":
            merged: list[dict[str, Any]] = []
            for rank in range(max((len(x) for x in lists), default=0)):
                merged.extend(x[rank] for x in lists if rank < len(x))
            items = merged[(page - 1) * per_page : page * per_page]
        else:
            items = lists[0] if lists else []
        return {
            "items": items,
            "total": sum(totals.values()),
            "page": page,
            "per_page": per_page,
            "totals": totals,
            # as each type's search offers it: after an empty or a thin result
            "suggestion": suggestion if sum(totals.values()) <= THIN_RESULTS else None,
        }
