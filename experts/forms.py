"""HTML forms of the experts (Flask-WTF: CSRF token included, errors beside the fields). Each
goes through the API's schema (``experts.schemas``, ``app.edge.SchemaForm``): one set of
rules for the page and the API."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import NumberInput

from app.edge import SchemaForm
from experts.models import (
    ANSWER_MAX,
    BIO_MAX,
    CONFLICTS_MAX,
    HEADLINE_MAX,
    QUESTION_MAX,
    TITLE_MAX,
)
from experts.schemas import (
    CloseInSchema,
    ConsultationInSchema,
    DeclineInSchema,
    ProfileInSchema,
    PublishInSchema,
    RateInSchema,
)


def _many(label: Any, id_: str) -> SelectMultipleField:
    return SelectMultipleField(label, id=id_, choices=[], validate_choice=False)


class ProfileForm(SchemaForm):
    """Become an expert, or change one's profile (the API's ``ProfileInSchema``)."""

    schema = ProfileInSchema

    headline = StringField(
        _l("What you do, in a line"),
        id="ex-headline",
        render_kw={"maxlength": HEADLINE_MAX, "dir": "auto"},
    )
    bio = TextAreaField(
        _l("Your experience"),
        id="ex-bio",
        render_kw={"maxlength": BIO_MAX, "rows": 4, "dir": "auto"},
    )
    domains = _many(_l("Domains"), "ex-domains")
    languages = _many(_l("Languages"), "ex-languages")
    modes = _many(_l("How you help"), "ex-modes")
    region_ids = _many(_l("Regions where you can meet associations"), "ex-regions")
    remote = BooleanField(_l("I also help remotely (phone, video, messages)"), id="ex-remote")
    monthly_capacity = StringField(
        _l("Requests you can take each month"),
        id="ex-capacity",
        widget=NumberInput(min=1, max=20),
        default="2",
    )
    conflicts = TextAreaField(
        _l("Conflicts of interest (organisations you work for or advise)"),
        id="ex-conflicts",
        render_kw={"maxlength": CONFLICTS_MAX, "rows": 2, "dir": "auto"},
    )
    no_fee = BooleanField(
        _l(
            "I help associations on jam3ia for free: I never ask them for a fee, a commission or"
            " a paid follow-up, and I say so when a request touches an interest of mine."
        ),
        id="ex-no-fee",
    )

    def _raw(self) -> dict[str, Any]:
        raw = super()._raw()
        raw["remote"] = bool(self.remote.data)
        raw["no_fee"] = bool(self.no_fee.data)
        for name in ("domains", "languages", "modes", "region_ids"):
            raw.setdefault(name, [])
        slots = []
        for day in range(7):
            start, end = raw.pop(f"day{day}_start", ""), raw.pop(f"day{day}_end", "")
            if start or end:
                slots.append({"weekday": day, "start": start, "end": end})
        if self.is_submitted():
            raw["weekly_slots"] = slots
        return raw

    def load_slots(self, slots: list[dict[str, Any]]) -> None:
        """Show the profile's weekly slots (the page edits one per day)."""
        for slot in slots:
            day = int(slot.get("weekday", -1))
            if 0 <= day <= 6 and not self[f"day{day}_start"].data:
                self[f"day{day}_start"].data = slot.get("start", "")
                self[f"day{day}_end"].data = slot.get("end", "")


#: the hours of the weekly availability offered on the page (empty: not that day)
HOURS = [f"{h:02d}:00" for h in range(25)]
for _day in range(7):
    setattr(
        ProfileForm,
        f"day{_day}_start",
        StringField(_l("From"), id=f"ex-day{_day}-start", default=""),
    )
    setattr(
        ProfileForm,
        f"day{_day}_end",
        StringField(_l("To"), id=f"ex-day{_day}-end", default=""),
    )


class AskForm(SchemaForm):
    """Ask a specialist in an association's name (the API's ``ConsultationInSchema``)."""

    schema = ConsultationInSchema

    association_id = StringField(_l("In the name of"), id="ask-association")
    domain = StringField(_l("Domain"), id="ask-domain")
    mode = StringField(_l("What you need"), id="ask-mode")
    language = StringField(_l("Language"), id="ask-language")
    region_id = StringField(_l("Region"), id="ask-region")
    remote_ok = BooleanField(_l("Help at a distance suits us"), id="ask-remote", default=True)
    title = StringField(_l("Your question in a line"), id="ask-title", render_kw={"dir": "auto"})
    question = TextAreaField(
        _l("Describe your situation"),
        id="ask-question",
        render_kw={"maxlength": QUESTION_MAX, "rows": 6, "dir": "auto"},
    )

    def _raw(self) -> dict[str, Any]:
        return {**super()._raw(), "remote_ok": bool(self.remote_ok.data)}


class DeclineForm(SchemaForm):
    schema = DeclineInSchema

    message = StringField(_l("A word for the association (optional)"), id="dc-message")


class CloseForm(SchemaForm):
    schema = CloseInSchema

    answer = TextAreaField(
        _l("Your answer"),
        id="cl-answer",
        render_kw={"maxlength": ANSWER_MAX, "rows": 6, "dir": "auto"},
    )


class RateForm(SchemaForm):
    schema = RateInSchema

    rating = StringField(_l("How useful was the answer? (1 to 5)"), id="rt-rating")
    feedback = TextAreaField(
        _l("Your feedback (optional)"), id="rt-feedback", render_kw={"rows": 2, "dir": "auto"}
    )
    endorse = BooleanField(_l("I endorse this expert"), id="rt-endorse")

    def _raw(self) -> dict[str, Any]:
        return {**super()._raw(), "endorse": bool(self.endorse.data)}


class PublishForm(SchemaForm):
    """The redacted question and answer, edited before publishing in the library."""

    schema = PublishInSchema

    title = StringField(
        _l("Title of the page"), id="pb-title", render_kw={"maxlength": TITLE_MAX, "dir": "auto"}
    )
    question = TextAreaField(
        _l("The question"),
        id="pb-question",
        render_kw={"maxlength": QUESTION_MAX, "rows": 6, "dir": "auto"},
    )
    answer = TextAreaField(
        _l("The expert's answer"),
        id="pb-answer",
        render_kw={"maxlength": ANSWER_MAX, "rows": 10, "dir": "auto"},
    )
