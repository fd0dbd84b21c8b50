"""A project's description is parsed once, not on every view of its page (issue 15, item 1)."""

from __future__ import annotations

from typing import Any

from app import markdown
from tests.projects.factories import ProjectFactory


def test_project_page_views_reuse_the_rendered_description(client, world, monkeypatch):
    project = ProjectFactory(
        visibility="public",
        description="**Caravane** médicale " + "a.ma/[" * 3000,
        associations=[world.a],
    )
    markdown._render_cached.cache_clear()
    parser = markdown._parser()
    original = parser.render
    calls: list[int] = []

    def counting(source: str, env: Any = None) -> str:
        calls.append(len(source))
        return original(source, env)

    monkeypatch.setattr(parser, "render", counting)
    first = client.get(f"/projects/{project.id}")
    assert first.status_code == 200
    assert "<strong>Caravane</strong>" in first.get_data(as_text=True)
    assert len(calls) >= 1
    calls.clear()
    again = client.get(f"/projects/{project.id}")
    assert again.status_code == 200
    assert calls == []
    assert len(again.data) < 6 * 18_000 + 60_000
