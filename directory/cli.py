"""``jam3ia directory ...``: reference data and generated demo associations."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from directory.demo import insert_generated, load_demo_directory


@click.group("directory")
def directory_group() -> None:
    """Directory data."""


@directory_group.command("load-reference")
@with_appcontext
def load_reference_command() -> None:
    """Load or update fields of activity, regions, provinces and cities."""
    from directory.reference import load_reference_data

    load_reference_data()
    click.echo("Reference data loaded.")


@directory_group.command("generate")
@click.option("--count", default=300, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=2026, show_default=True, type=int)
@with_appcontext
def generate_command(count: int, seed: int) -> None:
    """Add COUNT generated associations (deterministic for SEED) and reindex."""
    ids = insert_generated(count, seed=seed)
    click.echo(f"{len(ids)} associations added.")


__all__ = ["directory_group", "load_demo_directory"]
