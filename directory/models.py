"""Directory models: reference data (fields, regions, provinces, cities), associations and
memberships."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Float, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Model, Versioned, db, utcnow

ROLES = ("admin", "coordinator", "member")
ASSOCIATION_STATUSES = ("pending", "approved", "suspended", "rejected")
MEMBERSHIP_STATUSES = ("pending", "approved")
#: Who may read an association's member list: anyone, or its approved members (and the
#: platform administrators).
MEMBERS_VISIBILITIES = ("public", "members")
#: Size bands of API.md: (code, lowest member count, highest or None).
SIZE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("small", 1, 19),
    ("medium", 20, 99),
    ("large", 100, None),
)

NAME_MAX = 200
DESCRIPTION_MAX = 5000
SLUG_MAX = 220


def size_band(member_count: int) -> str:
    """The size band code of an association with ``member_count`` members."""
    if member_count >= 100:
        return "large"
    if member_count >= 20:
        return "medium"
    return "small"


class _Labelled:
    name_ar: Mapped[str]
    name_fr: Mapped[str]
    name_en: Mapped[str]

    def label(self, locale: str | None) -> str:
        """The name in ``locale`` (ar, fr or en; English otherwise)."""
        if locale and locale.startswith("ar"):
            return self.name_ar
        if locale and locale.startswith("fr"):
            return self.name_fr
        return self.name_en


class Field(_Labelled, Model):
    """A field of activity (education, health...)."""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    icon: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = ({"sqlite_autoincrement": True},)

    def __repr__(self) -> str:
        return f"<Field {self.code}>"


class Region(_Labelled, Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    provinces: Mapped[list[Province]] = relationship(
        back_populates="region", order_by="Province.position"
    )

    __table_args__ = ({"sqlite_autoincrement": True},)


class Province(_Labelled, Model):
    """A prefecture (عمالة) or province (إقليم)."""

    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="province")
    name_ar: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    region: Mapped[Region] = relationship(back_populates="provinces")
    cities: Mapped[list[City]] = relationship(back_populates="province", order_by="City.position")

    __table_args__ = ({"sqlite_autoincrement": True},)


class City(_Labelled, Model):
    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(default=0)

    province: Mapped[Province] = relationship(back_populates="cities")

    __table_args__ = ({"sqlite_autoincrement": True},)


association_fields = Table(
    "association_fields",
    db.metadata,
    Column(
        "association_id",
        ForeignKey("associations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("field_id", ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Association(Versioned, Model):
    """An association of the network. Only ``approved`` ones are listed publicly."""

    __tablename__ = "associations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    #: The display name (Arabic or French/Latin); ``name_alt`` is the name in the other script.
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    name_alt: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    #: Declared number of members of the association (not only those with an account).
    member_count: Mapped[int] = mapped_column(default=1)
    founded_year: Mapped[int | None]
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    logo: Mapped[str | None] = mapped_column(String(200))
    members_visibility: Mapped[str] = mapped_column(
        String(10), default="public", server_default="public"
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    decided_at: Mapped[dt.datetime | None]

    fields: Mapped[list[Field]] = relationship(
        secondary=association_fields, order_by="Field.position", lazy="selectin"
    )
    region: Mapped[Region | None] = relationship()
    province: Mapped[Province | None] = relationship()
    city: Mapped[City | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="association", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = ({"sqlite_autoincrement": True},)

    @property
    def size(self) -> str:
        return size_band(self.member_count)

    def __repr__(self) -> str:
        return f"<Association {self.id} {self.name!r}>"


class Membership(Model):
    """A user's link to an association: a join request (``pending``) or a member with a role."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    message: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]

    association: Mapped[Association] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("association_id", "user_id"),
        Index("ix_memberships_user_status", "user_id", "status"),
        {"sqlite_autoincrement": True},
    )
