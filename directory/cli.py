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
@click.argument("number", required=False, type=click.IntRange(1, 1_000_000))
@click.option("--count", type=click.IntRange(1, 1_000_000), help="the same as NUMBER")
@click.option("--seed", default=2026, show_default=True, type=int)
@with_appcontext
def generate_command(number: int | None, count: int | None, seed: int) -> None:
    """Add NUMBER (default 300) generated associations, deterministic for SEED, and reindex."""
    if number is not None and count is not None and number != count:
        raise click.UsageError("give the number once: NUMBER or --count")
    ids = insert_generated(number or count or 300, seed=seed)
    click.echo(f"{len(ids)} associations added.")


__all__ = ["directory_group", "load_demo_directory"]
