"""``jam3ia directory generate``: the README's form (a number) and the option form."""

from __future__ import annotations

from flask import Flask

from app.db import db
from directory.models import Association


def test_generate_takes_the_number_as_the_readme_shows(app: Flask, ref: None) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["directory", "generate", "3"])
    assert result.exit_code == 0, result.output
    assert "3 associations added." in result.output
    result = runner.invoke(args=["directory", "generate", "--count", "2", "--seed", "7"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.query(Association).count() == 5
    refused = runner.invoke(args=["directory", "generate", "3", "--count", "4"])
    assert refused.exit_code != 0 and "NUMBER or --count" in refused.output
