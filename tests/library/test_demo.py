"""Library demo loaders: templates and a Darija how-to in the knowledge pages, two reports."""

from __future__ import annotations

from app.db import db
from app.demo import load_demo_users
from library.knowledge.demo import load_demo as load_pages
from library.knowledge.models import KnowledgePage
from library.reports.demo import load_demo as load_reports
from library.reports.models import ActivityReport
from tests.directory.factories import AssociationFactory


def test_demo_pages_and_reports(app, api, admin):
    load_demo_users()
    AssociationFactory()
    db.session.commit()
    for _ in range(2):  # idempotent
        load_pages()
        load_reports()
        db.session.commit()
    pages = KnowledgePage.query.all()
    assert {p.lang for p in pages} == {"ar", "fr", "ary"}
    assert sum(p.template for p in pages) == 4
    assert ActivityReport.query.count() == 2
    templates = api(None).get("/api/v1/pages?template=true").get_json()["items"]
    assert len(templates) == 4
