"""Bank statements: a treasurer imports the CSV their bank gives; each credit line whose label
holds a pledge's reference code with the same amount confirms that pledge, the rest waits for
a treasurer to match it by hand. The column mapping (which column is the date, the amount,
the label) is saved per association and reused next time.

A reference is used once: a second line with a reference already matched (in this statement
or an earlier one) is never matched again; it is left unmatched and counted as reused."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.api import ApiError, invalid
from app.db import begin_write, db, utcnow
from campaigns import access
from campaigns.models import BankMapping, Campaign, Contribution, StatementLine
from campaigns.services import _confirm, confirm_received

#: the columns a mapping names
MAPPED = ("date", "amount", "label")
REFERENCE = re.compile(r"J3[23456789A-HJKMNP-Z]{8}")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass
class ImportResult:
    rows: int = 0
    credits: int = 0
    matched: int = 0
    unmatched: int = 0
    reused: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "credits": self.credits,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "reused": self.reused,
        }


def saved_mapping(association_id: int) -> dict[str, str]:
    row = db.session.get(BankMapping, association_id)
    return dict(row.columns) if row is not None else {}


def parse_amount(raw: str) -> int | None:
    """A bank's amount in centimes: ``1 234,50``, ``1234.50``, ``-20,00`` (a debit: None)."""
    text = (raw or "").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    text = text.replace("MAD", "").replace("DH", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    centimes = value * 100
    if centimes <= 0 or centimes != centimes.to_integral_value():
        return None
    return int(centimes)


def import_statement(
    actor: Any, campaign: Campaign, content: bytes, mapping: dict[str, str] | None
) -> ImportResult:
    """Import a statement for the campaign's account; the mapping given is saved for the
    association (none given: the saved one)."""
    access.require_treasurer(actor, campaign.association_id)
    if campaign.status not in ("live", "failed", "closed"):
        raise ApiError(409, "not_live", _("Statements are imported for a live campaign."))
    if len(content) > MAX_BYTES:
        raise invalid(_("The statement is larger than 5 MB."), "file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in reader.fieldnames or []]
    columns = mapping or saved_mapping(campaign.association_id)
    if not columns:
        raise invalid(_("Say which columns hold the date, the amount and the label."), "mapping")
    missing = [k for k in MAPPED if columns.get(k) not in header]
    if missing:
        raise invalid(
            _("These columns are not in the file: %(names)s", names=", ".join(missing)),
            "mapping",
        )
    begin_write()
    saved = db.session.get(BankMapping, campaign.association_id)
    if saved is None:
        db.session.add(
            BankMapping(
                association_id=campaign.association_id,
                columns={k: columns[k] for k in MAPPED},
                updated_at=utcnow(),
            )
        )
    elif mapping:
        saved.columns = {k: columns[k] for k in MAPPED}
        saved.updated_at = utcnow()
    pending = {
        c.reference: c
        for c in db.session.scalars(
            select(Contribution).where(
                Contribution.campaign_id == campaign.id, Contribution.status == "pledged"
            )
        )
    }
    used = set(
        db.session.scalars(
            select(Contribution.reference)
            .join(StatementLine, StatementLine.contribution_id == Contribution.id)
            .where(StatementLine.campaign_id == campaign.id)
        )
    )
    result = ImportResult()
    now = utcnow()
    received: list[Contribution] = []
    lines: list[StatementLine] = []
    for raw in reader:
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise invalid(_("A statement has at most 50,000 lines."), "file")
        row = {(k or "").strip(): (v or "") for k, v in raw.items()}
        value = parse_amount(row.get(columns["amount"], ""))
        if value is None:
            continue
        result.credits += 1
        label = " ".join(row.get(columns["label"], "").split())[:300]
        line = StatementLine(
            campaign_id=campaign.id,
            booked_on=row.get(columns["date"], "").strip()[:20],
            amount=value,
            label=label,
            status="unmatched",
            created_at=now,
        )
        found = REFERENCE.search(label.upper())
        reference = found.group() if found else None
        if reference is not None and reference in used:
            result.reused += 1
        elif reference is not None and reference in pending and pending[reference].amount == value:
            contribution = pending.pop(reference)
            used.add(reference)
            received.append(contribution)
            line.status = "matched"
            line.contribution_id = contribution.id
            result.matched += 1
        if line.status == "unmatched":
            result.unmatched += 1
        lines.append(line)
    confirm_received(received, actor, campaign)
    db.session.add_all(lines)
    db.session.flush()
    return result


def match_line(actor: Any, line: StatementLine, contribution_id: int) -> StatementLine:
    """A treasurer matches a line left over to a pledge of the same campaign and amount."""
    campaign = db.session.get(Campaign, line.campaign_id)
    if campaign is None:
        raise ApiError(404, "not_found", _("Not found."))
    access.require_treasurer(actor, campaign.association_id)
    if line.status != "unmatched":
        raise ApiError(409, "matched", _("This line is already matched."))
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or contribution.campaign_id != line.campaign_id:
        raise invalid(_("Choose a pledge of this campaign."), "contribution_id")
    if contribution.status != "pledged":
        raise ApiError(409, "not_pledged", _("This contribution is not waiting for confirmation."))
    if contribution.amount != line.amount:
        raise invalid(_("The amounts differ."), "contribution_id", "amount_mismatch")
    _confirm(contribution, actor)
    line.status = "matched"
    line.contribution_id = contribution.id
    db.session.flush()
    return line
