"""An association's page shows what it does on jam3ia: the projects it shares (only those the
reader may see, with their progress) and the discussions its members started (only where the
reader may read them, and not at all where its member list is private to the reader)."""

from __future__ import annotations

from app.db import db
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.forums.factories import make_topic
from tests.projects.factories import MilestoneFactory, ProjectFactory


def page(client, association) -> str:
    response = client.get(f"/associations/{association.id}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_its_projects_as_the_reader_may_see_them(app, client, logged_in):
    association = AssociationFactory(name="Jam3iat Al Amal")
    other = AssociationFactory()
    member = MembershipFactory(association=association).user
    public = ProjectFactory(
        title="Caravane médicale", visibility="public", associations=[association]
    )
    MilestoneFactory(project=public, status="done", progress=100)
    ProjectFactory(title="Budget interne", visibility="members", associations=[association])
    ProjectFactory(title="Someone else's", visibility="public", associations=[other])
    db.session.commit()

    visitor = page(client, association)
    assert "Its projects" in visitor and "Caravane médicale" in visitor and "100%" in visitor
    assert "Budget interne" not in visitor and "Someone else" not in visitor

    inside = page(logged_in(member), association)
    assert "Caravane médicale" in inside and "Budget interne" in inside


def test_no_projects_no_block(app, client):
    association = AssociationFactory()
    db.session.commit()
    assert "Its projects" not in page(client, association)


def test_its_members_discussions_unless_the_member_list_is_private(app, client, logged_in):
    association = AssociationFactory()
    author = MembershipFactory(association=association, user=UserFactory(display_name="Salma")).user
    outsider = UserFactory()
    db.session.commit()
    make_topic(author=author, title="Comment organiser une caravane ?")
    make_topic(author=outsider, title="Not by a member")

    html = page(client, association)
    assert "Its members in the forums" in html
    assert "Comment organiser une caravane ?" in html and "Not by a member" not in html

    association.members_visibility = "members"
    db.session.commit()
    assert "Comment organiser" not in page(client, association)  # would reveal who is a member
    assert "Comment organiser" in page(logged_in(author), association)


def test_message_beside_each_member_one_may_write_to(app, client, logged_in):
    from app.accounts import blocks
    from tests.conftest import count_statements

    association = AssociationFactory()
    me = MembershipFactory(association=association).user
    friend = MembershipFactory(association=association, user=UserFactory(display_name="Amal")).user
    blocker = MembershipFactory(association=association).user
    db.session.commit()
    blocks.block(blocker, me.id)
    db.session.commit()

    html = page(logged_in(me), association)
    assert f'href="/chat?with={friend.id}"' in html
    assert f"/chat?with={me.id}" not in html  # not oneself
    assert f"/chat?with={blocker.id}" not in html  # not someone who blocked me
    assert "/chat?with=" not in page(client, association)  # visitors write to nobody

    viewer = logged_in(me)
    db.session.commit()  # both counts start from the same expired session
    with count_statements() as few:
        page(viewer, association)
    for _ in range(10):
        MembershipFactory(association=association)
    db.session.commit()
    with count_statements() as many:
        page(viewer, association)
    assert len(many) == len(few)  # the whole member list in a fixed number of queries
