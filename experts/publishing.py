"""A closed consultation becomes a redacted question-and-answer page in the library.

Both sides consent: a coordinator (or administrator) of the association that asked, and the
expert who answered. With both consents the proposed text is the consultation redacted
automatically (:mod:`experts.redaction`: names of the people involved, the association's
name, phones, e-mails, national IDs, links); either side edits it and publishes, and the
edited text is refused (422) while it still identifies someone. The page goes to the library
through the registry's ``publish_knowledge`` (experts never import the library): public,
"answered by an expert of the network" with the domain, never the association.

Withdrawing a consent before publication cancels it (the proposed text is dropped); after
publication only a platform administrator takes the page out (``unpublish_knowledge``).
Every function takes the actor, raises :class:`~app.api.ApiError` before writing and
flushes; the caller commits.
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.queries import users_by_id
from app.api import ApiError, invalid
from app.db import db, insert_once, utcnow
from app.notifications.services import notify
from app.plugins import registry
from app.text import clean_name, clean_text
from directory import association_member_ids, get_association
from experts import redaction
from experts.access import ASKING_ROLES, may_ask
from experts.models import (
    ANSWER_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    Consultation,
    ExpertProfile,
    Publication,
)

#: consultations that may be published: answered (and perhaps rated)
ANSWERED = ("closed", "rated")
#: the page's language for each consultation language (the library's codes)
PAGE_LANGS = {"ar": "ar", "fr": "fr", "en": "en", "zgh": "ar"}
KIND_LABELS: dict[str, Any] = {
    "phone": _l("a phone number"),
    "email": _l("an e-mail address"),
    "national_id": _l("a national ID number"),
    "link": _l("a link"),
    "name": _l("a person's name"),
    "association": _l("the association's name"),
}


def publication_of(consultation_id: int) -> Publication | None:
    return db.session.scalar(
        select(Publication).where(Publication.consultation_id == consultation_id)
    )


def _expert(row: Consultation) -> ExpertProfile | None:
    return db.session.get(ExpertProfile, row.expert_id) if row.expert_id is not None else None


def sides(actor: User | None, row: Consultation) -> tuple[bool, bool]:
    """Whether ``actor`` consents for the association (a coordinator or administrator of the
    association that asked) and for the expert (the one who answered)."""
    if actor is None:
        return False, False
    expert = _expert(row)
    return may_ask(actor, row.association_id), expert is not None and expert.user_id == actor.id


def _party(actor: User, row: Consultation) -> tuple[bool, bool]:
    association, expert = sides(actor, row)
    if not (association or expert):
        raise ApiError(
            403,
            "forbidden",
            _("Only the association's coordinators and the expert decide on publishing."),
        )
    return association, expert


def _answered(row: Consultation) -> None:
    if row.status not in ANSWERED:
        raise ApiError(409, "not_closed", _("Only an answered consultation can be published."))


def _settled(pub: Publication) -> None:
    if pub.status != "pending":
        raise ApiError(
            409,
            "already_published",
            _("This answer was published already: only a platform administrator takes it out."),
        )


def redaction_names(row: Consultation) -> tuple[list[str], str]:
    """The names to strip: the person who asked, the expert, the association's members; and
    the association's name."""
    ids = set(association_member_ids(row.association_id))
    if row.requester_id is not None:
        ids.add(row.requester_id)
    expert = _expert(row)
    if expert is not None:
        ids.add(expert.user_id)
    people = users_by_id(sorted(ids))
    association = get_association(row.association_id)
    return [u.display_name for u in people.values()], association.name if association else ""


def _propose(pub: Publication, row: Consultation) -> None:
    names, association = redaction_names(row)
    pub.title = redaction.redact(row.title, names, association)[:TITLE_MAX]
    pub.question = redaction.redact(row.question, names, association)[:QUESTION_MAX]
    pub.answer = redaction.redact(row.answer, names, association)[:ANSWER_MAX]


def _tell_other_side(
    actor: User, row: Consultation, as_association: bool, kind: str, text: Any
) -> None:
    if as_association:
        expert = _expert(row)
        people = [expert.user_id] if expert is not None else []
    else:
        people = association_member_ids(row.association_id, ASKING_ROLES)
    notify(
        [p for p in people if p != actor.id],
        kind=kind,
        subject=f"expert_request:{row.id}:{kind}",
        text=text,
        url=f"/experts/requests/{row.id}",
        actor_id=actor.id,
    )


def consent(actor: User, row: Consultation) -> Publication:
    """The actor's side consents to publishing; with both, the redacted text is proposed."""
    as_association, as_expert = _party(actor, row)
    _answered(row)
    pub = publication_of(row.id)
    if pub is None:
        # the other side consenting at the same moment may write it first: theirs is the row
        insert_once(Publication(consultation_id=row.id, status="pending"))
        pub = publication_of(row.id)
        assert pub is not None
    _settled(pub)
    now = utcnow()
    if as_association and pub.association_consent_at is None:
        pub.association_consent_at, pub.association_consent_by = now, actor.id
    if as_expert and pub.expert_consent_at is None:
        pub.expert_consent_at = now
    if pub.both_consented() and not pub.answer:
        _propose(pub, row)
    db.session.flush()
    _tell_other_side(
        actor,
        row,
        as_association,
        "expert_publish_consent",
        _l("Consent given to publish the answer to “%(title)s” in the library", title=row.title),
    )
    return pub


def withdraw(actor: User, row: Consultation) -> Publication:
    """The actor's side withdraws its consent before publication: nothing is published, the
    proposed text is dropped."""
    as_association, as_expert = _party(actor, row)
    pub = publication_of(row.id)
    if pub is None or not (
        (as_association and pub.association_consent_at is not None)
        or (as_expert and pub.expert_consent_at is not None)
    ):
        raise ApiError(409, "no_consent", _("You have not consented to publishing this answer."))
    _settled(pub)
    if as_association:
        pub.association_consent_at = pub.association_consent_by = None
    if as_expert:
        pub.expert_consent_at = None
    pub.title = pub.question = pub.answer = ""
    db.session.flush()
    _tell_other_side(
        actor,
        row,
        as_association,
        "expert_publish_withdrawn",
        _l("Consent withdrawn: the answer to “%(title)s” will not be published", title=row.title),
    )
    return pub


def _leak_error(found: dict[str, list[str]]) -> ApiError:
    fields = {
        key: [
            _("Still contains %(what)s: replace it with […].", what=KIND_LABELS[kind])
            for kind in kinds
        ]
        for key, kinds in found.items()
    }
    return invalid(_("The text still identifies someone: remove it before publishing."), fields)


def body_of(question: str, answer: str, language: str) -> str:
    """The page's Markdown: the question, then the expert's answer, headed in the
    consultation's language."""
    with force_locale(PAGE_LANGS.get(language, "ar")):
        asked, answered = _("The question"), _("The expert's answer")
    return "\n\n".join([f"## {asked}", question, f"## {answered}", answer])


def publish(actor: User, row: Consultation, data: dict[str, Any]) -> Publication:
    """Either side publishes the (edited) redacted text once both consented: 409 without
    both consents, 422 while the text still names someone or shows a contact."""
    _party(actor, row)
    _answered(row)
    pub = publication_of(row.id)
    if pub is None or not pub.both_consented():
        raise ApiError(
            409,
            "consent_missing",
            _("Both the association and the expert must consent before publishing."),
        )
    _settled(pub)
    text = {
        "title": clean_name(data.get("title", pub.title))[:TITLE_MAX],
        "question": clean_text(data.get("question", pub.question))[:QUESTION_MAX],
        "answer": clean_text(data.get("answer", pub.answer))[:ANSWER_MAX],
    }
    empty = {k: [_("Required.")] for k, v in text.items() if len(v.strip()) < 3}
    if empty:
        raise invalid(_("Some answers need a correction."), empty)
    names, association = redaction_names(row)
    found = {
        key: kinds
        for key, value in text.items()
        if (kinds := redaction.leaks(value, names, association))
    }
    if found:
        raise _leak_error(found)
    hook = registry().publish_knowledge
    if hook is None:
        raise ApiError(409, "no_library", _("The library is not available."))
    pub.title, pub.question, pub.answer = text["title"], text["question"], text["answer"]
    pub.page_id = hook(
        pub.title,
        body_of(pub.question, pub.answer, row.language),
        row.domain,
        [PAGE_LANGS.get(row.language, "ar")],
        f"expert:{row.id}",
    )
    pub.status, pub.published_at, pub.published_by = "published", utcnow(), actor.id
    db.session.flush()
    as_association, _as_expert = sides(actor, row)
    _tell_other_side(
        actor,
        row,
        as_association,
        "expert_published",
        _l("The answer to “%(title)s” is in the library", title=row.title),
    )
    return pub


def unpublish(actor: User, row: Consultation) -> Publication:
    """A platform administrator takes a published answer out of the library."""
    if not actor.is_admin:
        raise ApiError(
            403, "forbidden", _("Only a platform administrator takes a page out of the library.")
        )
    pub = publication_of(row.id)
    if pub is None or pub.status != "published" or pub.page_id is None:
        raise ApiError(409, "not_published", _("This answer is not in the library."))
    hook = registry().unpublish_knowledge
    if hook is None:
        raise ApiError(409, "no_library", _("The library is not available."))
    hook(pub.page_id)
    pub.status, pub.unpublished_at, pub.unpublished_by = "unpublished", utcnow(), actor.id
    db.session.flush()
    return pub


def serialize(pub: Publication | None, actor: User, row: Consultation) -> dict[str, Any]:
    """The publication as the API shows it to a party (the proposed text to the parties and
    platform administrators only)."""
    as_association, as_expert = sides(actor, row)
    if pub is None:
        return {
            "status": "none",
            "association_consented": False,
            "expert_consented": False,
            "page_id": None,
            "title": "",
            "question": "",
            "answer": "",
        }
    shown = as_association or as_expert or actor.is_admin
    return {
        "status": pub.status,
        "association_consented": pub.association_consent_at is not None,
        "expert_consented": pub.expert_consent_at is not None,
        "page_id": pub.page_id,
        "title": pub.title if shown else "",
        "question": pub.question if shown else "",
        "answer": pub.answer if shown else "",
    }
