"""Finding offers: the ``offers`` search type (published offers only), with the search's
Arabic/French/Arabizi analysis, facets by type, province and audience, and distance from the
offer's city. The feed is a search: filters, "near me" and counts come from the index.

An offer enters the index when it is published and leaves it, through the search outbox in
the same transaction, when it is paused, hidden or ends. Personal data is never indexed (there
is none in an offer; contact goes through the platform).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask, url_for
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.db import db
from app.search.framework import DocType, Document, register_doc_type
from directory import City
from offers.models import Offer

_WATCHED = ("status", "hidden", "title", "body", "support_type", "city_id", "audience", "purged_at")


def _live(query: Any) -> Any:
    return query.where(Offer.status == "published", Offer.hidden.is_(False))


def load_offers(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    rows = session.execute(
        _live(select(Offer, City.lat, City.lng).join(City, City.id == Offer.city_id)).where(
            Offer.id.in_(ids)
        )
    )
    return {
        offer.id: Document(
            id=offer.id,
            names={"title": offer.title},
            text={
                "body": " ".join(
                    [offer.body, offer.area_hint, offer.conditions_other, offer.facility]
                )
            },
            facets={
                "type": [offer.support_type],
                "province": [str(offer.province_id)],
                "city": [str(offer.city_id)],
                "audience": list(offer.audience or []),
                "kind": [offer.kind],
            },
            created=(offer.published_at or offer.created_at).timestamp(),
            geo=(lat, lng),
        )
        for offer, lat, lng in rows
    }


def all_offer_ids(session: Session) -> Iterable[int]:
    return session.scalars(_live(select(Offer.id)).order_by(Offer.id))


def describe_offers(ids: Sequence[int]) -> dict[int, dict[str, str]]:
    rows = db.session.execute(
        select(Offer.id, Offer.title, Offer.body).where(Offer.id.in_(list(ids)))
    )
    return {
        oid: {"title": title, "url": url_for("offers.show", offer_id=oid), "snippet": body[:160]}
        for oid, title, body in rows
    }


def _changed(offer: Offer) -> list[int]:
    state: Any = inspect(offer)
    if state.pending or any(state.attrs[a].history.has_changes() for a in _WATCHED):
        return [offer.id]
    return []


def register(app: Flask) -> None:
    register_doc_type(
        app,
        DocType(
            name="offers",
            load=load_offers,
            all_ids=all_offer_ids,
            name_fields={"title": 4.0},
            text_fields={"body": 1.0},
            facets=("type", "province", "city", "audience", "kind"),
            watch=((Offer, _changed),),
            describe=describe_offers,
        ),
    )
