"""Contracts of contractual volunteering (law 06-18): one template, rendered in Arabic and in
French, signed in the app by the volunteer and by a coordinator of the association.

The terms (tasks, period, expenses, insurance reference) change only while nobody has signed.
The first signature renders both texts and keeps them with the SHA-256 of the two: from then on
any change is refused, the second signature is given on that same text (its hash checked), and
the PDF prints the kept text, not a new rendering.

A contractual opportunity confirms a volunteer (acceptance, shift sign-up) only when the
association holds a ``contractual_volunteering`` authorisation valid on that day in its library
and the volunteer's contract is signed by both sides (the age rule is the services').
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, update

from app.accounts.models import User
from app.api import ApiError, invalid
from app.db import db, insert_once, utcnow
from app.notifications.services import notify
from app.pdf import PdfDocument
from app.text import clean_text
from directory import association_member_ids, get_association
from library import valid_authorization
from volunteering.access import MANAGER_ROLES, manages
from volunteering.models import (
    CONTRACT_TEXT_MAX,
    INSURANCE_MAX,
    Application,
    Contract,
    Opportunity,
    Shift,
    Signup,
)

#: The library authorisation an association needs for contractual volunteering.
AUTHORIZATION = "contractual_volunteering"


def contract_path(contract_id: int) -> str:
    return f"/volunteering/contracts/{contract_id}"


def _forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def _frozen() -> ApiError:
    return ApiError(
        409, "contract_signed", _("This contract is signed: its terms can no longer change.")
    )


def contract_of(opportunity_id: int, volunteer_id: int) -> Contract | None:
    return db.session.scalar(
        select(Contract).where(
            Contract.opportunity_id == opportunity_id, Contract.volunteer_id == volunteer_id
        )
    )


def check_confirmable(
    volunteer_id: int, opportunity: Opportunity, on: dt.date | None = None
) -> None:
    """Refuse (409) confirming a volunteer on a contractual opportunity when the association has
    no valid authorisation (``authorization_required``) or the volunteer's contract is not
    signed by both sides (``contract_required``). Nothing to check otherwise."""
    if not opportunity.contractual:
        return
    if not valid_authorization(opportunity.association_id, AUTHORIZATION, on):
        raise ApiError(
            409,
            "authorization_required",
            _(
                "Contractual volunteering needs the association's authorisation for "
                "contractual volunteering, valid today, recorded in its library first."
            ),
        )
    row = contract_of(opportunity.id, volunteer_id)
    if row is not None and row.ended_at is not None:
        raise ApiError(
            409,
            "contract_ended",
            _("This volunteer's contract was ended: a new contract is needed first."),
        )
    if row is None or row.status != "signed":
        raise ApiError(
            409,
            "contract_required",
            _(
                "This opportunity is contractual: the volunteer's contract must be signed by "
                "the volunteer and by a coordinator first."
            ),
        )


def _terms(
    data: dict[str, Any], opportunity: Opportunity, current: Contract | None = None
) -> dict[str, Any]:
    """The terms given (on top of ``current`` ones), cleaned and checked: 422 with each field."""
    fields: dict[str, list[str]] = {}

    def text(key: str, limit: int, required: bool) -> str:
        given = data.get(key, getattr(current, key, "") if current else "")
        value = str(clean_text(given or "")).strip()
        if required and not value:
            fields[key] = [_("Required.")]
        elif len(value) > limit:
            fields[key] = [_("At most %(n)d characters.", n=limit)]
        return value

    start: dt.date = data.get("period_start") or (
        current.period_start if current else opportunity.starts_on
    )
    end: dt.date = data.get("period_end") or (
        current.period_end if current else opportunity.ends_on
    )
    terms: dict[str, Any] = {
        "tasks": text("tasks", CONTRACT_TEXT_MAX, True),
        "expenses": text("expenses", CONTRACT_TEXT_MAX, False),
        "insurance_reference": text("insurance_reference", INSURANCE_MAX, True),
        "period_start": start,
        "period_end": end,
    }
    if end < start:
        fields["period_end"] = [_("The end comes after the start.")]
    if fields:
        raise invalid(_("Some answers need a correction."), fields)
    return terms


def create(
    actor: User, application: Application, opportunity: Opportunity, data: dict[str, Any]
) -> Contract:
    """A coordinator drafts the contract of an applicant to a contractual opportunity."""
    if not manages(actor, opportunity.association_id):
        raise _forbidden(_("Only the association's coordinators and administrators may do this."))
    if not opportunity.contractual:
        raise ApiError(409, "not_contractual", _("This opportunity is not contractual."))
    if application.status not in ("pending", "accepted"):
        raise ApiError(409, "conflict", _("This application was already answered."))
    row = Contract(
        opportunity_id=opportunity.id,
        association_id=opportunity.association_id,
        volunteer_id=application.volunteer_id,
        created_by_id=actor.id,
        status="draft",
        **_terms(data, opportunity),
    )
    if not insert_once(row):
        raise ApiError(409, "conflict", _("This volunteer already has a contract for it."))
    notify(
        [application.volunteer_id],
        kind="volunteer_contract",
        subject=f"volunteer_contract:{row.id}",
        text=_l(
            "Your volunteering contract for “%(title)s” is ready to sign", title=opportunity.title
        ),
        url=contract_path(row.id),
        actor_id=actor.id,
    )
    return row


def edit(actor: User, row: Contract, opportunity: Opportunity, data: dict[str, Any]) -> Contract:
    """Change the terms while nobody has signed; refused (409 ``contract_signed``) after."""
    if not manages(actor, row.association_id):
        raise _forbidden(_("Only the association's coordinators and administrators may do this."))
    if row.volunteer_signed_at is not None or row.coordinator_signed_at is not None:
        raise _frozen()
    terms = _terms(data, opportunity, row)
    changed = db.session.execute(
        update(Contract)
        .where(
            Contract.id == row.id,
            Contract.volunteer_signed_at.is_(None),
            Contract.coordinator_signed_at.is_(None),
        )
        .values(**terms)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]  # signed meanwhile
        raise _frozen()
    db.session.refresh(row)
    return row


def _names(row: Contract) -> tuple[str, str, str]:
    association = get_association(row.association_id)
    volunteer = db.session.get(User, row.volunteer_id)
    opportunity = db.session.get(Opportunity, row.opportunity_id)
    return (
        association.name if association else "",
        volunteer.display_name if volunteer else "",
        opportunity.title if opportunity else "",
    )


def _render(row: Contract, lang: str) -> str:
    association, volunteer, title = _names(row)
    with force_locale(lang):
        parts = [
            _("Contract of contractual volunteering (law 06-18)"),
            _(
                "Between %(association)s, the host association, and %(name)s, the volunteer.",
                association=association,
                name=volunteer,
            ),
            _("Opportunity: %(title)s", title=title),
            _("Tasks: %(tasks)s", tasks=row.tasks),
            _(
                "Period: from %(start)s to %(end)s",
                start=format_date(row.period_start, "long"),
                end=format_date(row.period_end, "long"),
            ),
            _("Expenses covered: %(expenses)s", expenses=row.expenses or _("none")),
            _("Insurance reference: %(ref)s", ref=row.insurance_reference),
            _(
                "The volunteer gives their time without pay. The association covers the "
                "expenses above and insures the volunteer for the period. Either side may end "
                "the contract by telling the other."
            ),
        ]
    return "\n\n".join(str(p) for p in parts)


def texts(row: Contract) -> tuple[str, str]:
    """The Arabic and French texts: as signed once signed, else rendered now (a draft)."""
    if row.text_ar is not None and row.text_fr is not None:
        return row.text_ar, row.text_fr
    return _render(row, "ar"), _render(row, "fr")


def digest(text_ar: str, text_fr: str) -> str:
    return hashlib.sha256(f"{text_ar}\n\x00\n{text_fr}".encode()).hexdigest()


def intact(row: Contract) -> bool:
    """Whether the kept texts still match their hash (always true for a draft)."""
    if row.text_sha256 is None:
        return True
    return digest(row.text_ar or "", row.text_fr or "") == row.text_sha256


def sign(actor: User, row: Contract) -> Contract:
    """The volunteer signs for themselves, a coordinator (someone else) for the association;
    each side once. The first signature freezes the texts and their hash."""
    now = utcnow()
    if actor.id == row.volunteer_id:
        column, side = Contract.volunteer_signed_at, "volunteer"
    elif manages(actor, row.association_id):
        column, side = Contract.coordinator_signed_at, "association"
    else:
        raise _forbidden(_("Only the volunteer and the association's coordinators sign it."))
    if getattr(row, column.key) is not None:
        raise ApiError(409, "conflict", _("Already signed."))
    values: dict[str, Any] = {column.key: now}
    if side == "association":
        values["coordinator_id"] = actor.id
    if row.text_sha256 is None:
        text_ar, text_fr = _render(row, "ar"), _render(row, "fr")
        values.update(text_ar=text_ar, text_fr=text_fr, text_sha256=digest(text_ar, text_fr))
        # the terms the text was rendered from, unchanged by an edit meanwhile
        where: Any = and_(
            Contract.text_sha256.is_(None),
            Contract.tasks == row.tasks,
            Contract.expenses == row.expenses,
            Contract.insurance_reference == row.insurance_reference,
            Contract.period_start == row.period_start,
            Contract.period_end == row.period_end,
        )
    else:
        if not intact(row):
            raise ApiError(409, "conflict", _("The text of this contract does not match its hash."))
        where = Contract.text_sha256 == row.text_sha256
    other = Contract.coordinator_signed_at if side == "volunteer" else Contract.volunteer_signed_at
    if getattr(row, other.key) is not None:
        values["status"] = "signed"
    done = db.session.execute(
        update(Contract)
        .where(Contract.id == row.id, column.is_(None), where, Contract.status == "draft")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]  # the other side signed meanwhile
        raise ApiError(409, "conflict", _("The contract changed meanwhile: open it again."))
    db.session.refresh(row)
    opportunity = db.session.get(Opportunity, row.opportunity_id)
    title = opportunity.title if opportunity else ""
    if side == "volunteer":
        recipients = association_member_ids(row.association_id, MANAGER_ROLES)
        text = _l("A volunteer signed the contract for “%(title)s”", title=title)
    else:
        recipients = [row.volunteer_id]
        text = _l("The association signed your contract for “%(title)s”", title=title)
    notify(
        recipients,
        kind="volunteer_contract_signed",
        subject=f"volunteer_contract:{row.id}:{side}",
        text=text,
        url=contract_path(row.id),
        actor_id=actor.id,
    )
    return row


#: the shortest reason for ending a contract early
END_REASON_MIN = 5


def end(actor: User, row: Contract, reason: str, now: dt.datetime | None = None) -> Contract:
    """End a signed contract early (law 06-18: either side, telling the other): the
    volunteer for themselves, a coordinator for the association, with a reason. The signed
    texts stay as they are; the end, who ended it and why are added. The volunteer's sign-ups
    to the opportunity's shifts still to come are cancelled and their places freed; the other
    side is told."""
    now = now or utcnow()
    if actor.id == row.volunteer_id:
        side = "volunteer"
    elif manages(actor, row.association_id):
        side = "association"
    else:
        raise _forbidden(_("Only the volunteer and the association's coordinators end it."))
    if row.status != "signed":
        raise ApiError(409, "not_signed", _("Only a contract signed by both sides can be ended."))
    if row.ended_at is not None:
        raise ApiError(409, "contract_ended", _("This contract was already ended."))
    text = clean_text(reason or "").strip()
    if len(text) < END_REASON_MIN:
        raise invalid(
            _("Say why the contract ends."), {"reason": [_("Say why the contract ends.")]}
        )
    if len(text) > CONTRACT_TEXT_MAX:
        raise invalid(
            _("Some answers need a correction."),
            {"reason": [_("At most %(n)d characters.", n=CONTRACT_TEXT_MAX)]},
        )
    done = db.session.execute(
        update(Contract)
        .where(Contract.id == row.id, Contract.status == "signed", Contract.ended_at.is_(None))
        .values(ended_at=now, ended_by_id=actor.id, ended_side=side, end_reason=text)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]  # the other side ended it meanwhile
        raise ApiError(409, "contract_ended", _("This contract was already ended."))
    db.session.refresh(row)
    signups = db.session.execute(
        select(Signup.id, Signup.shift_id)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(
            Shift.opportunity_id == row.opportunity_id,
            Shift.starts_at > now,
            Signup.volunteer_id == row.volunteer_id,
            Signup.status == "confirmed",
        )
    ).all()
    for signup_id, shift_id in signups:
        cancelled = db.session.execute(
            update(Signup)
            .where(Signup.id == signup_id, Signup.status == "confirmed")
            .values(status="cancelled", cancelled_at=now)
            .execution_options(synchronize_session=False)
        )
        if cancelled.rowcount == 1:  # type: ignore[attr-defined]
            db.session.execute(
                update(Shift)
                .where(Shift.id == shift_id, Shift.taken > 0)
                .values(taken=Shift.taken - 1)
                .execution_options(synchronize_session=False)
            )
    opportunity = db.session.get(Opportunity, row.opportunity_id)
    title = opportunity.title if opportunity else ""
    if side == "volunteer":
        recipients = association_member_ids(row.association_id, MANAGER_ROLES)
        message = _l("A volunteer ended their contract for “%(title)s”", title=title)
    else:
        recipients = [row.volunteer_id]
        message = _l("The association ended your contract for “%(title)s”", title=title)
    notify(
        [r for r in recipients if r != actor.id],
        kind="volunteer_contract_ended",
        subject=f"volunteer_contract:{row.id}:ended",
        text=message,
        url=contract_path(row.id),
        actor_id=actor.id,
    )
    return row


def contract_pdf(row: Contract) -> bytes:
    """The contract in Arabic and French in one document (the signed text once signed)."""
    text_ar, text_fr = texts(row)
    for lang, text in (("ar", text_ar), ("fr", text_fr)):
        with force_locale(lang):
            if lang == "ar":
                doc = PdfDocument(
                    _("Volunteering contract"), rtl=True, subject=f"contract-{row.id}"
                )
            else:
                doc.rtl = False
            doc.heading(_("Volunteering contract"), 1)
            if row.text_sha256 is None:
                doc.muted(_("Draft: not signed yet."))
            for paragraph in text.split("\n\n"):
                doc.paragraph(paragraph)
                doc.space(2)
            doc.paragraph(
                _(
                    "Signed by the volunteer: %(at)s",
                    at=format_date(row.volunteer_signed_at, "long")
                    if row.volunteer_signed_at
                    else _("not yet"),
                )
            )
            doc.paragraph(
                _(
                    "Signed for the association: %(at)s",
                    at=format_date(row.coordinator_signed_at, "long")
                    if row.coordinator_signed_at
                    else _("not yet"),
                )
            )
            if row.text_sha256:
                doc.muted(_("SHA-256 of the signed text: %(hash)s", hash=row.text_sha256))
            doc.space(8)
    return doc.output()


def authorized_over(association_id: int, kind: str, first: dt.date, last: dt.date) -> bool:
    """Whether the association holds an authorisation of ``kind`` valid on ``first`` and on
    ``last`` (a caravan's days): the one place volunteering asks the library."""
    return valid_authorization(association_id, kind, first) and valid_authorization(
        association_id, kind, last
    )
