"""``jam3ia aid ...``: aid's maintenance commands."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.db import transaction


@click.group("aid")
def aid_group() -> None:
    """Aid: households, cards, distributions."""


@aid_group.command("backfill-match-keys")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def backfill_match_keys_command(batch: int) -> None:
    """Give the households registered before match keys existed (migration 0030) their keys,
    BATCH households per transaction; each read of a name is logged. Run again: no-op."""
    from aid import services

    after, total = 0, 0
    while True:
        with transaction():
            filled, after = services.backfill_match_keys(after, batch)
        total += filled
        if not after:
            break
    click.echo(f"{total} households given their match keys.")


__all__ = ["aid_group"]
