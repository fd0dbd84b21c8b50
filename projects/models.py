"""Projects' tables: projects, owners, milestones and their dependencies, activities,
comments, the change history and per-user calendar feed tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Model, Versioned, utcnow

#: The Socket.IO namespace of project pages (API.md).
NAMESPACE = "/projects"
TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
LOCATION_MAX = 300
COMMENT_MAX = 5_000
VISIBILITIES = ("public", "network", "members")
PROJECT_STATUSES = ("planned", "active", "completed", "cancelled")


class Project(Versioned, Model):
    """A shared project of one or more associations (``version``: edits of its own fields)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    visibility: Mapped[str] = mapped_column(String(10), default="members", index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owners: Mapped[list[ProjectAssociation]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProjectAssociation.position",
        lazy="selectin",
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="[Milestone.due_on, Milestone.id]",
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="[Activity.starts_at, Activity.id]",
    )
    invitations: Mapped[list[ProjectInvitation]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProjectInvitation.id",
        lazy="selectin",
    )
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        {"sqlite_autoincrement": True},
    )

    @property
    def association_ids(self) -> list[int]:
        return [owner.association_id for owner in self.owners]

    @property
    def invited_association_ids(self) -> list[int]:
        return [invitation.association_id for invitation in self.invitations]


class ProjectAssociation(Model):
    """One owning association of a project."""

    __tablename__ = "project_associations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    project: Mapped[Project] = relationship(back_populates="owners")

    __table_args__ = (
        UniqueConstraint("project_id", "association_id"),
        {"sqlite_autoincrement": True},
    )


class ProjectInvitation(Model):
    """An association invited to co-own a project: it becomes an owner only when one of its
    admins or coordinators accepts (owners never add an association that did not agree)."""

    __tablename__ = "project_invitations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="invitations")

    __table_args__ = (
        UniqueConstraint("project_id", "association_id"),
        {"sqlite_autoincrement": True},
    )


class Milestone(Versioned, Model):
    __tablename__ = "project_milestones"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    progress: Mapped[int] = mapped_column(default=0)
    weight: Mapped[int] = mapped_column(default=1)
    completed_at: Mapped[dt.datetime | None]
    #: set when members were told it is overdue; cleared when its due date moves
    overdue_notified_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="milestones")
    predecessors: Mapped[list[MilestoneDependency]] = relationship(
        foreign_keys="MilestoneDependency.successor_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )

    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        CheckConstraint("weight >= 1", name="weight"),
        {"sqlite_autoincrement": True},
    )

    @property
    def depends_on(self) -> list[int]:
        return sorted(dep.predecessor_id for dep in self.predecessors)


class MilestoneDependency(Model):
    """Finish-to-start: ``successor`` should not start before ``predecessor`` is due."""

    __tablename__ = "project_milestone_dependencies"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    predecessor_id: Mapped[int] = mapped_column(
        ForeignKey("project_milestones.id", ondelete="CASCADE"), index=True
    )
    successor_id: Mapped[int] = mapped_column(
        ForeignKey("project_milestones.id", ondelete="CASCADE")
    )

    __table_args__ = (
        UniqueConstraint("successor_id", "predecessor_id"),
        {"sqlite_autoincrement": True},
    )


class Activity(Model):
    """A scheduled activity (workshop, caravan, meeting), optionally tied to a milestone."""

    __tablename__ = "project_activities"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_milestones.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(LOCATION_MAX), default="")
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="activities")

    __table_args__ = ({"sqlite_autoincrement": True},)


class ProjectComment(Model):
    __tablename__ = "project_comments"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_project_comments_project", "project_id", "id"),
        {"sqlite_autoincrement": True},
    )


class ProjectChange(Model):
    """One recorded change: who, when, which object and field, from what, to what."""

    __tablename__ = "project_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: "project" | "milestone" | "activity" | "comment"
    entity: Mapped[str] = mapped_column(String(12))
    entity_id: Mapped[int]
    #: a field name, or "created" / "deleted"
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_project_changes_project", "project_id", "id"),
        {"sqlite_autoincrement": True},
    )


class CalendarFeed(Model):
    """A user's secret calendar URL; only the SHA-256 of the secret is stored."""

    __tablename__ = "project_calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = ({"sqlite_autoincrement": True},)
