"""The host's HTML forms read into what the services take: amounts typed in dirhams (``1500``,
``1 500,50``) become whole centimes, dates ISO days, the budget lines and rounds repeated rows
(an empty row is ignored, a ticked "remove" drops its row). Every wrong value is said at once,
beside its field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.api import invalid
from campaigns.models import MODELS

_AMOUNT = re.compile(r"(\d{1,8})(?:[.,](\d{1,2}))?")
#: the text fields of a campaign as typed
TEXTS = (
    "title",
    "story_ar",
    "story_fr",
    "target_group",
    "bank_reference",
    "group_name",
    "group_referent",
)


class Errors:
    """Reasons gathered per field, raised together as one 422."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise invalid(first, self.fields)


def centimes(raw: str) -> int | None:
    """Dirhams as typed (spaces between thousands, a comma or point before the centimes) to
    centimes; None when it is not an amount."""
    text = "".join((raw or "").split()).replace("\u202f", "")
    found = _AMOUNT.fullmatch(text)
    if found is None:
        return None
    return int(found[1]) * 100 + int((found[2] or "0").ljust(2, "0"))


def amount_field(form: MultiDict[str, str], name: str, errors: Errors) -> int | None:
    value = centimes(form.get(name, ""))
    if value is None:
        errors.add(name, _("Give the amount in dirhams, for example 1500 or 1500.50."))
    return value


def day_field(form: MultiDict[str, str], name: str, errors: Errors) -> dt.date | None:
    try:
        return dt.date.fromisoformat((form.get(name) or "").strip())
    except ValueError:
        errors.add(name, _("Choose a date."))
        return None


def dirhams(value: int) -> str:
    """Centimes as the form shows them (``1500`` or ``1500.50``)."""
    whole, cents = divmod(value, 100)
    return f"{whole}.{cents:02d}" if cents else str(whole)


def rows(
    form: MultiDict[str, str], names: tuple[str, ...], remove: str
) -> list[tuple[int, dict[str, str]]]:
    """The repeated rows of ``names`` (by position), without the empty ones and those whose
    ``remove`` box is ticked: ``(position, {name: value})``."""
    columns = [form.getlist(n) for n in names]
    dropped = set(form.getlist(remove))
    found: list[tuple[int, dict[str, str]]] = []
    for i in range(max((len(c) for c in columns), default=0)):
        row = {n: (c[i] if i < len(c) else "").strip() for n, c in zip(names, columns, strict=True)}
        if str(i) in dropped or not any(row.values()):
            continue
        found.append((i, row))
    return found


def campaign_data(form: MultiDict[str, str], *, creating: bool) -> dict[str, Any]:
    """What :func:`campaigns.services.create_campaign` or ``edit_campaign`` takes."""
    errors = Errors()
    data: dict[str, Any] = {name: form.get(name, "") for name in TEXTS}
    model = form.get("model") or "keep"
    data["model"] = model if model in MODELS else "keep"
    data["zakat_declared"] = form.get("zakat_declared") == "y"
    province = form.get("province_id") or ""
    data["province_id"] = int(province) if province.isdigit() else None
    for name in ("starts_on", "ends_on"):
        data[name] = day_field(form, name, errors)
    for name in ("min_goal", "optimum_goal"):
        data[name] = amount_field(form, name, errors)
    days = (form.get("report_days") or "").strip()
    if days:
        if days.isdigit():
            data["report_days"] = int(days)
        else:
            errors.add("report_days", _("Give the number of days as a whole number."))
    lines = []
    for _i, row in rows(form, ("line_label", "line_amount"), "line_remove"):
        value = centimes(row["line_amount"])
        if value is None:
            errors.add("budget_lines", _("Give each budget line's amount in dirhams."))
        lines.append({"label": row["line_label"], "amount": value})
    data["budget_lines"] = lines
    rounds = []
    for _i, row in rows(
        form, ("round_label", "round_start", "round_end", "round_goal"), "round_remove"
    ):
        value = centimes(row["round_goal"])
        try:
            start = dt.date.fromisoformat(row["round_start"])
            end = dt.date.fromisoformat(row["round_end"])
        except ValueError:
            errors.add("rounds", _("Give each round its first and last day."))
            continue
        if value is None:
            errors.add("rounds", _("Give each round's goal in dirhams."))
        rounds.append(
            {"label": row["round_label"], "starts_on": start, "ends_on": end, "goal": value}
        )
    data["rounds"] = rounds
    errors.raise_any()
    if not creating:
        data.pop("association_id", None)
    return data
