"""Mixed-direction association names on a project page: each isolated, joined per locale."""

from __future__ import annotations

import pytest

from app.db import db
from tests.projects.factories import ProjectFactory


@pytest.mark.parametrize(("locale", "separator"), [("fr", " et "), ("en", " and "), ("ar", " و")])
def test_owner_names_are_isolated_and_joined_with_the_locale_word(
    logged_in, world, locale, separator
):
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    world.member.locale = locale
    db.session.commit()
    html = logged_in(world.member).get(f"/projects/{project.id}").get_data(as_text=True)
    owners = html.split('id="owners"')[1].split("</p>")[0]
    assert f"<bdi>Association Al Amal</bdi>{separator}<bdi>جمعية النور</bdi>" in owners
