"""The home page: for visitors a search box, live figures and what is new; for people their
dashboard (associations and the requests waiting for them, messages, unread discussions, what
is coming up in their projects). Each block comes from its feature through the registry."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.db import db, utcnow
from library import services as library
from tests.conftest import count_statements
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.forums.factories import make_reply, make_topic
from tests.messaging.factories import direct, send
from tests.projects.factories import ActivityFactory, MilestoneFactory, ProjectFactory


def _block(html: str, title: str) -> str:
    """The home block whose heading is ``title`` (empty if there is none)."""
    for block in re.findall(r'<section class="card home-block">.*?</section>', html, re.S):
        if title in block:
            return block
    return ""


def _figure(html: str, label: str) -> int:
    match = re.search(rf"<strong>(\d+)</strong><span>{label}</span>", html)
    assert match, label
    return int(match.group(1))


def test_visitors_see_figures_and_what_is_new(client):
    AssociationFactory(name="Association Al Amal", status="approved")
    AssociationFactory(name="جمعية قيد المراجعة", status="pending")
    author = UserFactory(display_name="Nadia")
    make_topic(author, title="Caravane médicale : qui vient ?")
    public = ProjectFactory(title="Reboisement Souss", visibility="public", status="active")
    ProjectFactory(title="Projet interne", visibility="members", status="active")
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'role="search"' in html
    assert _figure(html, "Associations") == 1  # the pending one is not counted
    assert _figure(html, "Projets") == 1
    newest = _block(html, "Nouveau dans l&#39;annuaire")
    assert "Association Al Amal" in newest and "قيد المراجعة" not in newest
    latest = _block(html, "Dernières discussions")
    assert "Caravane médicale : qui vient ?" in latest
    assert "<bdi>Nadia</bdi>" in latest
    under_way = _block(html, "Projets en cours")
    assert f"/projects/{public.id}" in under_way and "Projet interne" not in under_way
    assert _block(html, "Mes associations") == ""  # nobody's dashboard


def test_dashboard_shows_my_associations_and_requests_waiting_for_me(logged_in):
    me = UserFactory(locale="ar")
    mine = AssociationFactory(name="جمعية الأمل")
    MembershipFactory(association=mine, user=me, role="admin")
    MembershipFactory(association=mine, user=UserFactory(), status="pending")
    MembershipFactory(association=mine, user=UserFactory(), status="pending")
    asked = AssociationFactory(name="Association Ennour")
    MembershipFactory(association=asked, user=me, status="pending")
    html = logged_in(me).get("/").get_data(as_text=True)
    block = _block(html, "جمعياتي")
    assert "جمعية الأمل" in block and "مدير" in block
    assert "في انتظار الرد: 2" in block
    assert f"/associations/{mine.id}/members" in block
    assert "Association Ennour" in block and "طلبك قيد الانتظار" in block
    assert _block(html, "جديد الدليل") == ""  # visitors' block


def test_dashboard_shows_unread_messages_and_discussions(logged_in):
    me, karim = UserFactory(locale="fr"), UserFactory(display_name="Karim")
    conversation = direct(karim, me)
    send(karim, conversation, "Salam, tu viens samedi ?", "c1")
    db.session.commit()
    topic, _post = make_topic(me, title="Gestion de l'eau")
    make_reply(karim, topic, "Bonne idée")
    html = logged_in(me).get("/").get_data(as_text=True)
    messages = _block(html, "Messages")
    assert f"/chat/{conversation.id}" in messages
    assert "<bdi>Salam, tu viens samedi ?</bdi>" in messages
    assert '<span class="badge">1</span>' in messages
    replies = _block(html, "Nouvelles réponses pour vous")
    assert "Gestion de l&#39;eau" in replies


def test_dashboard_shows_what_is_coming_up_in_my_projects_only(logged_in):
    me = UserFactory(locale="fr")
    mine = AssociationFactory()
    MembershipFactory(association=mine, user=me, role="coordinator")
    project = ProjectFactory(title="Caravane Imlil", associations=[mine])
    today = utcnow().date()
    MilestoneFactory(
        project=project, title="Convention signée", due_on=today - dt.timedelta(days=2)
    )
    MilestoneFactory(project=project, title="Bilan", due_on=today + dt.timedelta(days=90))
    soon = utcnow() + dt.timedelta(days=3)
    ActivityFactory(project=project, title="Réunion", starts_at=soon, ends_at=soon)
    other = ProjectFactory(title="Ailleurs", associations=[AssociationFactory()])
    MilestoneFactory(project=other, title="Pas pour moi", due_on=today)
    db.session.commit()
    html = logged_in(me).get("/").get_data(as_text=True)
    block = _block(html, "À venir")
    assert "Convention signée" in block and "en retard" in block
    assert "Réunion" in block
    assert "Bilan" not in block  # three months away
    assert "Pas pour moi" not in block
    assert "<bdi>Caravane Imlil</bdi>" in block


@pytest.mark.parametrize("who", ["visitor", "person"])
def test_home_runs_a_fixed_number_of_queries(client, logged_in, who):
    me = UserFactory()

    def grow(n: int) -> None:
        for i in range(n):
            association = AssociationFactory()
            MembershipFactory(association=association, user=me, role="admin")
            MembershipFactory(association=association, user=UserFactory(), status="pending")
            project = ProjectFactory(visibility="public", associations=[association])
            MilestoneFactory(project=project, due_on=utcnow().date())
            make_topic(UserFactory(), title=f"Sujet {i}")
            writer = UserFactory()
            send(writer, direct(writer, me), "Salam", f"m{i}")
        db.session.commit()

    browser = client if who == "visitor" else logged_in(me)
    grow(1)
    browser.get("/")
    with count_statements() as few:
        browser.get("/")
    grow(6)
    with count_statements() as many:
        browser.get("/")
    assert len(many) == len(few)


def test_dashboard_shows_the_legal_deadlines_of_associations_i_run(logged_in):
    admin, member = UserFactory(locale="fr"), UserFactory(locale="fr")
    run = AssociationFactory(name="جمعية الأمل")
    MembershipFactory(association=run, user=admin, role="admin")
    MembershipFactory(association=run, user=member, role="member")
    today = utcnow().date()
    library.add_obligation(run.id, "general_assembly", today - dt.timedelta(days=3), source="t:1")
    library.add_obligation(
        run.id, "custom", today + dt.timedelta(days=10), source="t:2", title="Rapport moral"
    )
    library.add_obligation(
        run.id, "custom", today + dt.timedelta(days=200), source="t:3", title="Lointain"
    )
    db.session.commit()
    block = _block(logged_in(admin).get("/").get_data(as_text=True), "Échéances légales")
    assert "en retard" in block and "Rapport moral" in block and "Lointain" not in block
    assert "<bdi>جمعية الأمل</bdi>" in block
    assert f"/associations/{run.id}/library/calendar" in block
    # members who run nothing have no deadlines to keep
    assert _block(logged_in(member).get("/").get_data(as_text=True), "Échéances légales") == ""


def test_dashboard_shows_unread_notifications_in_my_language(logged_in):
    from flask_babel import lazy_gettext

    from app.notifications import notify

    me = UserFactory(locale="fr")
    notify(
        [me.id],
        kind="forum_reply",
        subject="forum_post:9",
        text=lazy_gettext("%(name)s replied in “%(title)s”", name="كريم", title="Subventions"),
        url="/topics/9",
    )
    db.session.commit()
    block = _block(logged_in(me).get("/").get_data(as_text=True), "Notifications")
    assert "<bdi>كريم</bdi> a répondu dans" in block and 'href="/topics/9"' in block
