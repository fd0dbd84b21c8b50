"""Everything that changes the directory. Each function takes an explicit ``actor``, reads
nothing of the request and flushes; the edge that called it commits (``app.db.transaction``)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.services import platform_admin_ids
from app.api import ApiError, check_version, invalid
from app.db import db, for_update, utcnow
from app.images import encode, read_image
from app.notifications import notify
from app.signals import membership_changed
from app.text import clean_name, clean_text
from directory.models import ROLES, Association, City, Field, Membership
from directory.queries import association_member_ids

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4096 * 4096
LOGO_SIZE = 512
EDITABLE = (
    "name",
    "name_alt",
    "description",
    "member_count",
    "founded_year",
    "email",
    "phone",
    "website",
    "address",
    "members_visibility",
)


def _app() -> Any:
    return current_app._get_current_object()  # type: ignore[attr-defined]


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60]
    return slug or "association"


def _unique_slug(name: str) -> str:
    base = slugify(name)
    slug = base
    while db.session.scalar(select(Association.id).where(Association.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def _resolve_fields(codes: list[str]) -> list[Field]:
    if not codes:
        return []
    found = {f.code: f for f in db.session.scalars(select(Field).where(Field.code.in_(codes)))}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise invalid(
            _("Some fields are not valid."), {"fields": [_("Unknown field: %(c)s", c=unknown[0])]}
        )
    return [found[c] for c in dict.fromkeys(codes)]


def _resolve_city(code: str | None) -> City | None:
    if not code:
        return None
    city = db.session.scalar(select(City).where(City.code == code))
    if city is None:
        raise invalid(_("Some fields are not valid."), {"city": [_("Unknown city.")]})
    return city


def _place(assoc: Association, city: City | None) -> None:
    assoc.city = city
    assoc.city_id = city.id if city else None
    assoc.province_id = city.province_id if city else None
    assoc.region_id = city.province.region_id if city else None


def _cleaned(data: dict[str, Any]) -> dict[str, Any]:
    """Names through clean_name, other texts through clean_text; a blank name is refused."""
    data = dict(data)
    for key in ("name", "name_alt"):
        if isinstance(data.get(key), str):
            data[key] = clean_name(data[key])
    for key in ("description", "email", "phone", "website", "address"):
        if isinstance(data.get(key), str):
            data[key] = clean_text(data[key])
    if "name" in data and not data["name"]:
        raise invalid(_("The name is empty."), {"name": [_("Required.")]})
    return data


def create_association(actor: Any, data: dict[str, Any]) -> Association:
    """Register an association: it waits as ``pending``; the actor becomes its admin."""
    data = _cleaned(data)
    assoc = Association(
        name=data["name"],
        slug=_unique_slug(data["name"]),
        status="pending",
        created_by_id=actor.id,
    )
    for key in EDITABLE:
        if key in data and key != "name" and data[key] is not None:
            setattr(assoc, key, data[key])
    assoc.fields = _resolve_fields(data.get("field_codes") or [])
    _place(assoc, _resolve_city(data.get("city")))
    db.session.add(assoc)
    db.session.flush()
    db.session.add(
        Membership(
            association_id=assoc.id,
            user_id=actor.id,
            role="admin",
            status="approved",
            decided_at=utcnow(),
        )
    )
    db.session.flush()
    notify(
        platform_admin_ids(),
        kind="directory.submitted",
        subject=f"association:{assoc.id}",
        text=_l(
            "%(user)s registered %(name)s: it waits for your approval.",
            user=actor.display_name,
            name=assoc.name,
        ),
        url="/directory/queue",
        actor_id=actor.id,
    )
    db.session.flush()
    return assoc


def _lock(assoc: Association) -> None:
    """Lock the association's row and refresh ``assoc`` from it, before a check reads it."""
    # fetched (not only executed): the ORM refreshes ``assoc`` as it reads the locked row
    db.session.scalars(
        for_update(select(Association).where(Association.id == assoc.id)).execution_options(
            populate_existing=True
        )
    ).one()


def update_association(
    actor: Any, assoc: Association, data: dict[str, Any], expected_version: int | None = None
) -> Association:
    """Apply an admin's edit. ``expected_version``: the version the editor loaded; 409
    ``edit_conflict`` when someone saved since (checked under the row's lock)."""
    data = _cleaned(data)
    _lock(assoc)
    check_version(assoc.version, expected_version)
    _apply_association_changes(assoc, data)
    assoc.bump_version()
    assoc.updated_at = utcnow()
    db.session.flush()
    return assoc


def _apply_association_changes(assoc: Association, data: dict[str, Any]) -> None:
    for key in EDITABLE:
        if key in data and data[key] is not None:
            setattr(assoc, key, data[key])
    if "founded_year" in data and data["founded_year"] is None:
        assoc.founded_year = None
    if data.get("field_codes") is not None:
        assoc.fields = _resolve_fields(data["field_codes"])
    if "city" in data:
        _place(assoc, _resolve_city(data["city"]))


_TRANSITIONS = {
    "approve": (("pending", "suspended", "rejected"), "approved"),
    "reject": (("pending",), "rejected"),
    "suspend": (("approved",), "suspended"),
}


def decide_association(
    actor: Any, assoc: Association, action: str, reason: str = ""
) -> Association:
    """Platform admin: approve, reject or suspend; the submitter is told, with the reason."""
    sources, target = _TRANSITIONS[action]
    _lock(assoc)  # two admins deciding at once: the second sees the first's decision
    if assoc.status not in sources:
        raise ApiError(
            409,
            "invalid_status",
            _("An association that is %(s)s cannot be changed this way.", s=assoc.status),
        )
    assoc.status = target
    assoc.decided_at = utcnow()
    db.session.flush()
    if assoc.created_by_id is not None:
        _tell_submitter(actor, assoc, action, reason.strip())
    return assoc


def _tell_submitter(actor: Any, assoc: Association, action: str, reason: str) -> None:
    if action == "approve":
        text = _l("%(name)s is approved: it is listed in the directory.", name=assoc.name)
    elif action == "reject":
        text = _l("%(name)s was not approved.", name=assoc.name)
    else:
        text = _l("%(name)s is suspended: it no longer appears in the directory.", name=assoc.name)
    if reason:
        text = _l("%(decision)s Reason: %(reason)s", decision=text, reason=reason)
    # one subject per decision: a later decision on the same association is news again
    decided = assoc.decided_at.isoformat() if assoc.decided_at else ""
    notify(
        [assoc.created_by_id] if assoc.created_by_id is not None else [],
        kind=f"directory.{action}",
        subject=f"association:{assoc.id}:{decided}",
        text=text,
        url=f"/associations/{assoc.id}",
        actor_id=actor.id if actor is not None else None,
    )
    db.session.flush()


# --- memberships --------------------------------------------------------------------------


def _admin_count(association_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.association_id == association_id,
                Membership.status == "approved",
                Membership.role == "admin",
            )
        )
        or 0
    )


def request_join(actor: Any, assoc: Association, message: str = "") -> Membership:
    if assoc.status != "approved":
        raise ApiError(409, "not_open", _("This association does not accept members now."))
    existing = db.session.scalar(
        select(Membership).where(
            Membership.association_id == assoc.id, Membership.user_id == actor.id
        )
    )
    if existing is not None:
        code = "already_member" if existing.status == "approved" else "already_requested"
        raise ApiError(409, code, _("You are already a member or have asked to join."))
    membership = Membership(
        association_id=assoc.id, user_id=actor.id, role="member", status="pending", message=message
    )
    db.session.add(membership)
    db.session.flush()
    admins = association_member_ids(assoc.id, roles=("admin",))
    if admins:
        text = _l("%(user)s asks to join %(name)s", user=actor.display_name, name=assoc.name)
    else:
        # Nobody of the association is on jam3ia yet: the platform's administrators answer.
        admins = platform_admin_ids()
        text = _l(
            "%(user)s asks to join %(name)s, which has no administrator on jam3ia yet.",
            user=actor.display_name,
            name=assoc.name,
        )
    notify(
        admins,
        kind="directory.join_request",
        subject=f"association:{assoc.id}",
        text=text,
        url=f"/associations/{assoc.id}/members",
        actor_id=actor.id,
    )
    db.session.flush()
    return membership


def get_membership(association_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership)
        .where(Membership.association_id == association_id, Membership.user_id == user_id)
        .execution_options(populate_existing=True)
    )


def _lock_memberships(association_id: int) -> None:
    """Serialize the membership changes of one association until the commit: its row is
    locked (the write lock on SQLite) before the reads that the last-admin check depends on,
    so two admins demoting or removing each other at once cannot both pass the check."""
    db.session.execute(for_update(select(Association.id).where(Association.id == association_id)))


def set_member(actor: Any, assoc: Association, user_id: int, role: str | None) -> Membership:
    """Association admin: approve a join request and/or set a member's role."""
    _lock_memberships(assoc.id)
    membership = get_membership(assoc.id, user_id)
    if membership is None:
        raise ApiError(404, "not_found", _("This person has not asked to join."))
    role = role or membership.role
    if role not in ROLES:
        raise invalid(_("Some fields are not valid."), {"role": [_("Unknown role.")]})
    was_approved = membership.status == "approved"
    old_role = membership.role
    if was_approved and old_role == "admin" and role != "admin" and _admin_count(assoc.id) <= 1:
        raise ApiError(409, "last_admin", _("The last administrator cannot be demoted."))
    membership.role = role
    if not was_approved:
        membership.status = "approved"
        membership.decided_at = utcnow()
    db.session.flush()
    if was_approved and old_role != role:
        membership_changed.send(_app(), association_id=assoc.id, user_id=user_id, role=role)
    if not was_approved:
        notify(
            [user_id],
            kind="directory.join_approved",
            subject=f"association:{assoc.id}",
            text=_l("You are now a member of %(name)s", name=assoc.name),
            url=f"/associations/{assoc.id}",
            actor_id=actor.id,
        )
    return membership


def remove_member(actor: Any, assoc: Association, user_id: int) -> None:
    """Remove a member or turn down a join request (admins), or leave (the member)."""
    _lock_memberships(assoc.id)
    membership = get_membership(assoc.id, user_id)
    if membership is None:
        raise ApiError(404, "not_found", _("Not a member."))
    was_approved = membership.status == "approved"
    if was_approved and membership.role == "admin" and _admin_count(assoc.id) <= 1:
        raise ApiError(409, "last_admin", _("The last administrator cannot be removed."))
    db.session.delete(membership)
    db.session.flush()
    if was_approved:
        membership_changed.send(_app(), association_id=assoc.id, user_id=user_id, role=None)


# --- logo ---------------------------------------------------------------------------------


def uploads_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "logos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def set_logo(actor: Any, assoc: Association, data: bytes) -> Association:
    """Check the image from its content (not its name or declared type), re-encode as PNG."""
    image = read_image(
        data,
        max_bytes=LOGO_MAX_BYTES,
        formats=("PNG", "JPEG", "GIF", "WEBP"),
        too_large=_("The logo must be at most 1 MB."),
        unsupported=_("Send a PNG, JPEG, GIF or WebP image."),
        max_pixels=LOGO_MAX_PIXELS,
        alpha=True,
    )
    name = f"{assoc.id}-{secrets.token_hex(8)}.png"
    folder = uploads_dir()
    (folder / name).write_bytes(encode(image, "PNG", side=LOGO_SIZE))
    old = assoc.logo
    assoc.logo = name
    db.session.flush()
    if old:
        (folder / old).unlink(missing_ok=True)
    return assoc
