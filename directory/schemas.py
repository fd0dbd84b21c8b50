"""Request and response schemas of the directory's JSON API."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import validate

from app.api import PageArgsSchema
from app.db import utcnow
from app.search.analysis import MAX_QUERY_CHARS
from directory.models import DESCRIPTION_MAX, MEMBERS_VISIBILITIES, NAME_MAX, ROLES

SORTS = ("relevance", "name", "newest", "distance")
SIZES = ("small", "medium", "large")
MAX_RADIUS_KM = 2000.0


FOUNDED_MIN = 1900


def founded_max() -> int:
    """The latest founding year: this year at validation time, not at import (a server
    started in December must accept next month's new associations)."""
    return utcnow().year


def _founded(year: int) -> None:
    validate.Range(min=FOUNDED_MIN, max=founded_max())(year)


class AssociationInSchema(ma.Schema):
    """Create (``name`` required) or edit (every field optional) an association."""

    name = ma.fields.String(required=True, validate=validate.Length(min=2, max=NAME_MAX))
    name_alt = ma.fields.String(validate=validate.Length(max=NAME_MAX))
    description = ma.fields.String(validate=validate.Length(max=DESCRIPTION_MAX))
    field_codes = ma.fields.List(
        ma.fields.String(),
        data_key="fields",
        validate=validate.Length(max=8),
        metadata={"description": "field codes"},
    )
    city = ma.fields.String(allow_none=True, metadata={"description": "city code (see /regions)"})
    address = ma.fields.String(validate=validate.Length(max=300))
    member_count = ma.fields.Integer(validate=validate.Range(min=1, max=10_000_000))
    founded_year = ma.fields.Integer(allow_none=True, validate=lambda year: _founded(year))
    email = ma.fields.Email(validate=validate.Length(max=254))
    phone = ma.fields.String(validate=validate.Regexp(r"^[0-9 +().-]{0,40}$"))
    website = ma.fields.String(validate=validate.Regexp(r"^(https?://\S{1,290})?$"))
    members_visibility = ma.fields.String(
        validate=validate.OneOf(MEMBERS_VISIBILITIES),
        metadata={"description": "who reads the member list: `public` or `members` (only them)"},
    )

    class Meta:
        unknown = ma.RAISE


class AssociationPatchSchema(AssociationInSchema):
    name = ma.fields.String(validate=validate.Length(min=2, max=NAME_MAX))
    version = ma.fields.Raw(
        load_default=None,
        metadata={
            "description": "the `version` the editor loaded (or send `If-Match`); 409 "
            "`edit_conflict` when someone saved since"
        },
    )


class PlaceSchema(ma.Schema):
    code = ma.fields.String()
    label = ma.fields.String()


class CitySchema(PlaceSchema):
    lat = ma.fields.Float()
    lng = ma.fields.Float()


class FieldOutSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    label = ma.fields.String()
    name_ar = ma.fields.String()
    name_fr = ma.fields.String()
    name_en = ma.fields.String()
    icon = ma.fields.String()


class AssociationOutSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    name_alt = ma.fields.String()
    slug = ma.fields.String()
    description = ma.fields.String()
    description_html = ma.fields.String()
    status = ma.fields.String()
    field_list = ma.fields.List(
        ma.fields.Nested(FieldOutSchema), data_key="fields", attribute="fields"
    )
    region = ma.fields.Nested(PlaceSchema, allow_none=True)
    province = ma.fields.Nested(PlaceSchema, allow_none=True)
    city = ma.fields.Nested(CitySchema, allow_none=True)
    address = ma.fields.String()
    member_count = ma.fields.Integer()
    size = ma.fields.String()
    founded_year = ma.fields.Integer(allow_none=True)
    email = ma.fields.String()
    phone = ma.fields.String()
    website = ma.fields.String()
    logo_url = ma.fields.String(allow_none=True)
    members_visibility = ma.fields.String(metadata={"description": "`public` or `members`"})
    version = ma.fields.Integer(
        metadata={"description": "edit counter: send it back as `If-Match` (or `version`)"}
    )
    created_at = ma.fields.DateTime()
    distance_km = ma.fields.Float(allow_none=True)
    my_role = ma.fields.String(allow_none=True)
    my_status = ma.fields.String(allow_none=True)


class FacetValueSchema(ma.Schema):
    value = ma.fields.String()
    label = ma.fields.String()
    count = ma.fields.Integer()


class DecisionSchema(ma.Schema):
    """A platform administrator's decision on an association; the reason goes to its submitter."""

    reason = ma.fields.String(load_default="", validate=validate.Length(max=1000))


class AssociationSearchArgsSchema(PageArgsSchema):
    q = ma.fields.String(load_default="", validate=validate.Length(max=20 * MAX_QUERY_CHARS))
    field = ma.fields.List(ma.fields.String(), load_default=list)
    region = ma.fields.List(ma.fields.String(), load_default=list)
    province = ma.fields.List(ma.fields.String(), load_default=list)
    city = ma.fields.List(ma.fields.String(), load_default=list)
    size = ma.fields.List(ma.fields.String(validate=validate.OneOf(SIZES)), load_default=list)
    near = ma.fields.String(load_default=None, metadata={"description": "lat,lng"})
    radius_km = ma.fields.Float(
        load_default=None, validate=validate.Range(min=0, max=MAX_RADIUS_KM, min_inclusive=False)
    )
    sort = ma.fields.String(load_default="relevance", validate=validate.OneOf(SORTS))

    @ma.validates_schema
    def _check(self, data: dict[str, object], **_kw: object) -> None:
        near = data.get("near")
        if near is not None:
            try:
                lat_s, lng_s = str(near).split(",")
                lat, lng = float(lat_s), float(lng_s)
            except ValueError:
                message = _("Give the place as latitude,longitude.")
                raise ma.ValidationError(message, "near") from None
            if not (-90 <= lat <= 90 and -180 <= lng <= 180) or lat != lat or lng != lng:
                raise ma.ValidationError(_("Latitude or longitude out of range."), "near")
        if data.get("sort") == "distance" and near is None:
            raise ma.ValidationError(
                _("Sorting by distance needs your position: use “Near me”."), "sort"
            )
        if data.get("radius_km") is not None and near is None:
            raise ma.ValidationError(_("A radius needs your position: use “Near me”."), "radius_km")


class PlaceSuggestionSchema(ma.Schema):
    """A place the query names ("casa", "mourakoch"), offered as a filter."""

    facet = ma.fields.String(required=True)
    value = ma.fields.String(required=True)
    label = ma.fields.String(required=True)


class NearbyPlaceSchema(ma.Schema):
    """On an empty or thin result for a place: a nearby city where the search finds more."""

    facet = ma.fields.String(required=True)
    value = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    count = ma.fields.Integer(required=True)
    distance_km = ma.fields.Float(required=True)
    #: the query without the words naming the first place, to search in this one
    q = ma.fields.String(required=True)


class RelaxSchema(ma.Schema):
    """On an empty or thin result: the filter whose removal brings the most results."""

    facet = ma.fields.String(required=True)
    values = ma.fields.List(ma.fields.String(), required=True)
    labels = ma.fields.List(ma.fields.String(), required=True)
    total = ma.fields.Integer(required=True)


class AssociationSearchResultSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AssociationOutSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    facets = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.Nested(FacetValueSchema))
    )
    suggestion = ma.fields.String(allow_none=True)
    place_suggestion = ma.fields.Nested(PlaceSuggestionSchema, allow_none=True)
    #: a field of interest the query names ("sport", "الصحة"), offered as a filter
    field_suggestion = ma.fields.Nested(PlaceSuggestionSchema, allow_none=True)
    nearby_places = ma.fields.List(ma.fields.Nested(NearbyPlaceSchema), allow_none=True)
    relax = ma.fields.Nested(RelaxSchema, allow_none=True)


class JoinSchema(ma.Schema):
    message = ma.fields.String(load_default="", validate=validate.Length(max=1000))


class MemberSetSchema(ma.Schema):
    role = ma.fields.String(load_default=None, validate=validate.OneOf(ROLES))


class MemberOutSchema(ma.Schema):
    user_id = ma.fields.Integer()
    username = ma.fields.String()
    display_name = ma.fields.String()
    role = ma.fields.String()
    status = ma.fields.String()
    message = ma.fields.String(
        metadata={"description": "the join request's message: only for the association's admins"}
    )
    created_at = ma.fields.DateTime()


class MembersArgsSchema(PageArgsSchema):
    status = ma.fields.String(
        load_default="approved", validate=validate.OneOf(("approved", "pending"))
    )


class RegionOutSchema(PlaceSchema):
    name_ar = ma.fields.String()
    name_fr = ma.fields.String()
    name_en = ma.fields.String()
    provinces = ma.fields.List(ma.fields.Dict())
