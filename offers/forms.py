"""HTML forms of offers (Flask-WTF: CSRF token included, errors beside the fields).

A form whose write the API also takes goes through the API's schema (``offers.schemas``,
``app.edge.SchemaForm``: one set of rules): the composer, the edit page, a request for an
offer, thanks, a flag, the blood donor card and an alert. The fields keep the text as typed,
so that a refused form shows it again unchanged; the service's refusals are shown beside their
fields too, and the board's rule hits are listed by the page (``offers/_hits.html``), a missing
field's beside that field (:func:`rule_hits`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length
from wtforms.widgets import DateInput, DateTimeLocalInput, NumberInput

from app.api import ApiError
from app.edge import SchemaForm
from offers.labels import DELIVERY_LABELS
from offers.models import BODY_MAX, DELIVERY_MODES, TITLE_MAX
from offers.schemas import (
    AlertSchema,
    ClaimInSchema,
    DonorSchema,
    FlagInSchema,
    OfferInSchema,
    OfferPatchSchema,
    ThanksInSchema,
)

#: the composer's fields for a blood request only, and for an offer only
BLOOD_FIELDS = ("blood_group", "facility", "needed_by")
OFFER_FIELDS = (
    "support_type",
    "capacity",
    "audience",
    "age_min",
    "age_max",
    "conditions_other",
    "delivery_mode",
    "allocation",
    "title",
    "body",
    "ends_on",
    "association_id",
)


def rule_hits(form: FlaskForm, error: ApiError | None) -> list[dict[str, Any]]:
    """The board's rule hits of a refused write, for the page's list; a missing field's hit
    (``MISSING_FIELD``, whose excerpt names the field) is said beside that field instead."""
    if error is None:
        return []
    listed = []
    for hit in error.fields.get("hits") or []:
        missing = isinstance(hit, dict) and hit.get("code") == "MISSING_FIELD"
        field = form._fields.get(str(hit.get("excerpt"))) if missing else None
        if field is not None:
            field.errors = [*field.errors, str(hit.get("message") or "")]
        else:
            listed.append(hit)
    return listed


class OfferForm(SchemaForm):
    """The composer: an offer or a blood request (``kind``), checked by the API's
    ``OfferInSchema`` (the conditions and the blood details nested as the API takes them),
    then by the board's rules; photos are read by the page."""

    schema = OfferInSchema
    local_times = frozenset({"needed_by"})
    paths: ClassVar[Mapping[str, str]] = {
        "audience": "conditions.audience",
        "age_min": "conditions.age_min",
        "age_max": "conditions.age_max",
        "conditions_other": "conditions.other",
        "blood_group": "blood.group",
        "facility": "blood.facility",
        "needed_by": "blood.needed_by",
    }

    kind = StringField(_l("What do you post?"), default="offer")
    support_type = StringField(_l("Type of support"), id="of-type")
    title = StringField(_l("Title"), id="of-title")
    body = TextAreaField(_l("Details"), id="of-body")
    capacity = StringField(
        _l("How many people can benefit?"), id="of-capacity", widget=NumberInput(), default="1"
    )
    audience = SelectMultipleField(
        _l("For whom? (the conditions people answer when they ask)"), validate_choice=False
    )
    age_min = StringField(_l("Age from"), id="of-age-min", widget=NumberInput())
    age_max = StringField(_l("to"), id="of-age-max", widget=NumberInput())
    conditions_other = StringField(_l("Other condition (optional)"), id="of-other")
    delivery_mode = StringField(_l("How does the person get it?"), default="pickup")
    allocation = StringField(_l("Who gets it?"), default="choose")
    images = MultipleFileField(_l("Photos (things only, up to 3)"), id="of-images")
    no_person_visible = BooleanField(_l("No person is visible in these photos"))
    ends_on = StringField(_l("Available until (optional)"), id="of-ends", widget=DateInput())
    association_id = StringField(_l("Post as"), id="of-assoc")
    free = BooleanField(_l("It is free: I ask for nothing in return, no money, no service."))
    blood_group = StringField(_l("Blood group needed"), id="of-group")
    facility = StringField(_l("Hospital or blood bank"), id="of-facility")
    needed_by = StringField(_l("Needed before"), id="of-needed", widget=DateTimeLocalInput())
    city_id = StringField(_l("City"), id="of-city")
    area_hint = StringField(_l("Neighbourhood or landmark (optional)"), id="of-area")

    @property
    def blood(self) -> bool:
        """Whether it is a blood request (the other part of the form is hidden)."""
        return bool(self.kind.data == "blood_request")

    def _raw(self) -> dict[str, Any]:
        """What the API would be sent: the part of the form the kind shows (a blood request is
        free by nature)."""
        hidden = OFFER_FIELDS if self.blood else BLOOD_FIELDS
        raw = {k: v for k, v in super()._raw().items() if k not in hidden}
        raw["free"] = True if self.blood else bool(self.free.data)
        return raw

    def photos(self) -> list[FileStorage]:
        """The photos chosen (none for a blood request)."""
        if self.blood:
            return []
        return [f for f in self.images.data or [] if isinstance(f, FileStorage) and f.filename]


def _delivery_choices() -> list[SelectChoice]:
    return [SelectChoice(m, DELIVERY_LABELS[m]) for m in DELIVERY_MODES]


class OfferEditForm(SchemaForm):
    """What the author may change once an offer is out: its words, where, how, until when
    (the API's ``OfferPatchSchema``). The rest (type, city, places, audience) would make it
    another offer: post a new one. A blood request has no delivery mode (the page removes
    the field). A field left empty is cleared, a field not sent is left as it is."""

    schema = OfferPatchSchema

    title = StringField(
        _l("Title"), validators=[DataRequired()], render_kw={"maxlength": TITLE_MAX}
    )
    body = TextAreaField(_l("Details"), render_kw={"maxlength": BODY_MAX})
    area_hint = StringField(
        _l("Neighbourhood or landmark (optional)"), render_kw={"maxlength": 120}
    )
    delivery_mode = RadioField(
        _l("How does the person get it?"), choices=_delivery_choices(), validate_choice=False
    )
    ends_on = StringField(_l("Available until (optional)"), widget=DateInput())

    def _raw(self) -> dict[str, Any]:
        raw = super()._raw()
        for name in ("body", "area_hint"):  # emptied: cleared
            if isinstance(self[name].data, str) and name not in raw:
                raw[name] = ""
        ends = self.ends_on.data
        raw["ends_on"] = ends.isoformat() if hasattr(ends, "isoformat") else (ends or None)
        return raw


class ClaimForm(SchemaForm):
    """A request for an offer (the API's ``ClaimInSchema``): an answer to each of the offer's
    conditions (fields ``answer-<condition>``, made by :meth:`of_offer`), when the person could
    come, an association's "known to us" code."""

    schema = ClaimInSchema

    referral_token = StringField(
        _l("“Known to us” code of an association (optional)"),
        id="cl-referral",
        render_kw={"maxlength": 64},
    )
    pickup_proposal = StringField(
        _l("When could you come, or be reached?"), id="cl-pickup", render_kw={"maxlength": 200}
    )

    @classmethod
    def of_offer(cls, audience: list[str], **kwargs: Any) -> ClaimForm:
        """The form of an offer whose conditions are ``audience``."""

        class Form(cls):  # type: ignore[valid-type,misc]
            pass

        for condition in audience:
            setattr(
                Form,
                f"answer-{condition}",
                RadioField(
                    choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                    validate_choice=False,
                ),
            )
        return Form(**kwargs)

    def answer_fields(self) -> list[tuple[str, Any]]:
        """(condition, its field) for each of the offer's conditions."""
        return [
            (name.removeprefix("answer-"), field)
            for name, field in self._fields.items()
            if name.startswith("answer-")
        ]

    def _raw(self) -> dict[str, Any]:
        raw = {k: v for k, v in super()._raw().items() if not k.startswith("answer-")}
        raw["answers"] = {c: field.data == "yes" for c, field in self.answer_fields()}
        return raw


class ThanksForm(SchemaForm):
    """A beneficiary's public thanks (the API's ``ThanksInSchema``)."""

    schema = ThanksInSchema

    text = TextAreaField(
        _l("Say thank you (shown on the board without your name)"),
        id="th-text",
        render_kw={"maxlength": 500, "rows": 2, "dir": "auto"},
    )


class FlagForm(SchemaForm):
    """A reader's report of an offer (the API's ``FlagInSchema``)."""

    schema = FlagInSchema

    reason = StringField(_l("What is wrong?"), id="fl-reason", render_kw={"maxlength": 300})


class DonorForm(SchemaForm):
    """The blood donor card (the API's ``DonorSchema``, which names the city ``city``)."""

    schema = DonorSchema
    paths: ClassVar[Mapping[str, str]] = {"city_id": "city"}

    group = StringField(_l("Your blood group"), id="bd-group")
    city_id = StringField(_l("City"), id="bd-city")
    active = BooleanField(_l("Tell me about blood requests near me"), id="bd-active")

    def _raw(self) -> dict[str, Any]:
        return {**super()._raw(), "active": bool(self.active.data)}


class AlertForm(SchemaForm):
    """An alert on the feed's filters (the API's ``AlertSchema``): hidden fields, the feed's
    own filters, and a button."""

    schema = AlertSchema

    type = HiddenField()
    province = HiddenField()
    city = HiddenField()
    audience = HiddenField()


class ReviewForm(FlaskForm):
    """A moderator's decision on one post of the queue (the button pressed is ``action``);
    a refusal needs a reason the author sees."""

    offer_id = HiddenField(validators=[InputRequired()])
    action = HiddenField(validators=[AnyOf(("approve", "refuse", "spammer"))])
    reason = StringField(_l("Reason shown to the author"), validators=[Length(max=300)])

    def post_id(self) -> int:
        """The post decided on (0, which no post has, when it is not a number)."""
        value = str(self.offer_id.data or "")
        return int(value) if value.isdigit() and len(value) < 19 else 0


class ReferralForm(FlaskForm):
    """An association administrator names the person a "known to us" code is for."""

    username = StringField(
        _l("Their username on jam3ia"),
        id="rf-user",
        validators=[DataRequired()],
        render_kw={"dir": "ltr", "autocomplete": "off"},
    )
