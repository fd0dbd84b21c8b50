"""Directory pages: search and facets through a plain GET form (no JavaScript), profile,
registration, edit, members management and the approval queue, each allowed and denied."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask

from app.db import db, utcnow
from directory.models import Association, Membership
from tests.conftest import csrf_token
from tests.directory.factories import MembershipFactory
from tests.factories import UserFactory

Make = Callable[..., Association]


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def test_directory_page_search_and_facets_without_js(
    app: Flask, client: Any, make_assoc: Make
) -> None:
    make_assoc("جمعية الأمل", fields=["women"], city="casablanca")
    make_assoc("Association Annour", fields=["health"], city="rabat")
    make_assoc("Pending Amal", status="pending")
    page = client.get("/directory")
    assert page.status_code == 200
    html = text(page)
    assert 'method="get"' in html and 'name="q"' in html
    assert "جمعية الأمل" in html and "Association Annour" in html and "Pending Amal" not in html
    assert 'name="field" value="women"' in html
    # free text in another script
    html = text(client.get("/directory", query_string={"q": "amal"}))
    assert "جمعية الأمل" in html and "Association Annour" not in html
    # a facet checkbox, submitted as a GET parameter, filters and stays checked
    html = text(client.get("/directory", query_string={"field": "health"}))
    assert "Association Annour" in html and "جمعية الأمل" not in html
    assert re.search(r'name="field" value="health"\s+checked', html)
    # did-you-mean
    html = text(client.get("/directory", query_string={"q": "Annoor Tifawinn"}))
    assert "Did you mean" in html or "suggestion" in html


def test_directory_page_offers_a_place_filter_and_to_remove_a_filter(
    app: Flask, client: Any, make_assoc: Make
) -> None:
    make_assoc("جمعية الأمل", fields=["women"], city="casablanca")
    make_assoc("Association Annour", fields=["health"], city="rabat")
    make_assoc("Club Sahha", fields=["health"], city="fes")
    fr = {"Accept-Language": "fr"}
    # a spoken place name: found, and offered as a city filter that keeps the query
    html = text(client.get("/directory", query_string={"q": "jam3iya casa"}, headers=fr))
    assert "جمعية الأمل" in html and "Club Sahha" not in html
    assert "Seulement les associations à" in html
    assert re.search(r'href="/directory\?q=jam3iya\+casa&amp;city=casablanca"', html)
    # the city filter given by an alias, checked as its city
    html = text(client.get("/directory", query_string={"city": "Casa"}))
    assert re.search(r'name="city" value="casablanca"\s+checked', html)
    # nothing: remove the city (2 results, the field only 1), the other filters stay
    html = text(
        client.get("/directory", query_string={"field": "health", "city": "casablanca"}, headers=fr)
    )
    assert "Peu de résultats" in html and "retirer le filtre « Casablanca » (2 résultats)" in html
    assert 'href="/directory?field=health"' in html
    ar = text(
        client.get(
            "/directory",
            query_string={"field": "health", "city": "casablanca"},
            headers={"Accept-Language": "ar"},
        )
    )
    assert "نتائج قليلة" in ar and "أزل عامل التصفية «الدار البيضاء» (نتيجتان)" in ar


def test_directory_page_bad_input_is_not_a_crash(app: Flask, client: Any, make_assoc: Make) -> None:
    make_assoc("Association Annour", city="rabat")
    response = client.get(
        "/directory", query_string={"field": "nope", "per_page": 1000, "near": "x"}
    )
    assert response.status_code == 422
    assert "Association Annour" in text(response)


def test_directory_page_is_rtl_in_arabic(app: Flask, client: Any, make_assoc: Make) -> None:
    make_assoc("Association Annour", fields=["health"], city="rabat")
    html = text(client.get("/directory", headers={"Accept-Language": "ar"}))
    assert '<html lang="ar" dir="rtl">' in html
    assert "الصحة" in html  # facet labels in Arabic
    assert 'dir="auto"' in html  # user content
    css = client.get("/static/directory/directory.css")
    body = text(css)
    css.close()
    assert "margin-left" not in body and "padding-right" not in body


def test_nav_link(app: Flask, client: Any) -> None:
    assert 'href="/directory"' in text(client.get("/"))


def test_profile_page(app: Flask, client: Any, make_assoc: Make, logged_in: Any) -> None:
    founder = UserFactory(display_name="Fatima Founder")
    assoc = make_assoc(
        "Association Annour",
        creator=founder,
        fields=["health"],
        city="rabat",
        description="**Santé** pour tous",
        address="Hay Riad",
    )
    html = text(client.get(f"/associations/{assoc.id}"))
    assert "Association Annour" in html and "Fatima Founder" in html
    assert "openstreetmap.org/?mlat=34.0" in html  # a map link for the place
    assert "<strong>Santé</strong>" in html
    pending = make_assoc("Secret", status="pending", creator=founder)
    assert client.get(f"/associations/{pending.id}").status_code == 404
    assert logged_in(UserFactory()).get(f"/associations/{pending.id}").status_code == 404
    assert logged_in(founder).get(f"/associations/{pending.id}").status_code == 200


def test_register_form(app: Flask, client: Any, ref: None, logged_in: Any) -> None:
    assert client.get("/associations/new").status_code in (302, 401)
    browser = logged_in(UserFactory())
    form = browser.get("/associations/new")
    assert form.status_code == 200 and 'name="csrf_token"' in text(form)
    token = csrf_token(browser, "/associations/new")
    bad = browser.post("/associations/new", data={"csrf_token": token, "name": "", "city": "rabat"})
    assert bad.status_code == 422
    no_csrf = browser.post("/associations/new", data={"name": "Association Sans Jeton"})
    assert no_csrf.status_code == 400
    good = browser.post(
        "/associations/new",
        data={
            "csrf_token": token,
            "name": "Association Al Baraka",
            "fields": ["education", "youth"],
            "city": "oujda",
            "member_count": "42",
            "founded_year": "1999",
            "email": "",
            "website": "",
        },
    )
    assert good.status_code == 302, text(good)[:2000]
    assoc = db.session.query(Association).filter_by(name="Association Al Baraka").one()
    assert assoc.status == "pending" and assoc.city is not None and assoc.city.code == "oujda"
    assert [f.code for f in assoc.fields] == ["education", "youth"]


def test_edit_page_matrix(app: Flask, make_assoc: Make, logged_in: Any) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Annour", creator=founder, city="rabat", fields=["health"])
    member = MembershipFactory(association=assoc, role="coordinator").user
    assert logged_in(member).get(f"/associations/{assoc.id}/edit").status_code == 403
    outsider = logged_in(UserFactory())
    token = csrf_token(outsider)
    assert (
        outsider.post(
            f"/associations/{assoc.id}/edit", data={"csrf_token": token, "name": "X"}
        ).status_code
        == 403
    )
    browser = logged_in(founder)
    token = csrf_token(browser, f"/associations/{assoc.id}/edit")
    response = browser.post(
        f"/associations/{assoc.id}/edit",
        data={
            "csrf_token": token,
            "name": "Association Annour Rabat",
            "fields": ["health", "women"],
            "city": "rabat",
            "member_count": "12",
            "founded_year": "",
            "email": "",
        },
    )
    assert response.status_code == 302, text(response)[:1500]
    db.session.expire_all()
    assert db.session.get(Association, assoc.id).name == "Association Annour Rabat"


def test_join_and_manage_members_pages(app: Flask, make_assoc: Make, logged_in: Any) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Tifawin", creator=founder)
    newcomer = UserFactory(display_name="Nadia Newcomer")
    browser = logged_in(newcomer)
    token = csrf_token(browser, f"/associations/{assoc.id}")
    assert (
        browser.post(
            f"/associations/{assoc.id}/join", data={"csrf_token": token, "message": "Salam"}
        ).status_code
        == 302
    )
    assert browser.get(f"/associations/{assoc.id}/members").status_code == 403
    admin_browser = logged_in(founder)
    page = admin_browser.get(f"/associations/{assoc.id}/members")
    assert page.status_code == 200 and "Nadia Newcomer" in text(page)
    token = csrf_token(admin_browser, f"/associations/{assoc.id}/members")
    done = admin_browser.post(
        f"/associations/{assoc.id}/members",
        data={"csrf_token": token, "user_id": newcomer.id, "action": "approve", "role": "member"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    membership = (
        db.session.query(Membership).filter_by(association_id=assoc.id, user_id=newcomer.id).one()
    )
    assert membership.status == "approved"
    # the last admin cannot demote themselves: refused with a message, nothing changes
    admin_browser.post(
        f"/associations/{assoc.id}/members",
        data={"csrf_token": token, "user_id": founder.id, "action": "role", "role": "member"},
    )
    db.session.expire_all()
    assert (
        db.session.query(Membership)
        .filter_by(association_id=assoc.id, user_id=founder.id)
        .one()
        .role
        == "admin"
    )


def test_approval_queue_page(app: Flask, make_assoc: Make, logged_in: Any) -> None:
    pending = make_assoc("Association Al Karama", status="pending")
    admin = logged_in(UserFactory(is_admin=True))
    page = admin.get("/directory/queue")
    assert page.status_code == 200 and "Association Al Karama" in text(page)
    user_browser = logged_in(UserFactory())
    assert user_browser.get("/directory/queue").status_code == 403
    token = csrf_token(user_browser)
    assert (
        user_browser.post(
            "/directory/queue",
            data={"csrf_token": token, "association_id": pending.id, "action": "approve"},
        ).status_code
        == 403
    )
    token = csrf_token(admin, "/directory/queue")
    response = admin.post(
        "/directory/queue",
        data={"csrf_token": token, "association_id": pending.id, "action": "approve"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Association, pending.id).status == "approved"


def test_my_role_is_named_in_my_language(app: Flask, make_assoc: Make, logged_in: Any) -> None:
    founder = UserFactory(locale="fr")
    assoc = make_assoc("Association Tafoukt", creator=founder)
    page = logged_in(founder).get(f"/associations/{assoc.id}").get_data(as_text=True)
    assert "(admin)" not in page
    assert "Vous êtes membre (" in page


def test_directory_page_offers_a_field_filter_and_nearby_places(
    app: Flask, client: Any, make_assoc: Make
) -> None:
    make_assoc("Agadir Surf Club", fields=["sport"], city="agadir", description="Surf")
    make_assoc("Taghazout Surf", fields=["sport"], city="taghazout", description="Surf")
    make_assoc("جمعية إنزكان للتضامن", fields=["solidarity"], city="inezgane")
    wanted = {
        "ar": ("الجمعيات التي تعمل في مجال", "بالقرب:", "أكادير"),
        "fr": ("Seulement les associations du domaine", "À proximité :", "Agadir"),
        "en": ("Only associations working on", "Nearby:", "Agadir"),
    }
    for lang, (field_text, nearby_text, agadir) in wanted.items():
        headers = {"Accept-Language": lang}
        html = text(client.get("/directory", query_string={"q": "sport"}, headers=headers))
        assert field_text in html, lang
        assert re.search(r'href="/directory\?q=sport&amp;field=sport"', html)
        html = text(client.get("/directory", query_string={"q": "surf inezgane"}, headers=headers))
        assert nearby_text in html, lang
        # the nearby place's link searches the query's other words in that city
        assert re.search(rf'href="/directory\?q=surf&amp;city=agadir" dir="auto">{agadir}<', html)
        assert "taghazout" in html
    html = text(client.get("/directory", query_string={"q": "surf"}))
    assert "nearby-places" not in html and "field-suggestion" not in html


def test_a_refused_registration_shows_each_reason_beside_its_field_and_keeps_the_input(
    app: Flask, ref: None, logged_in: Any
) -> None:
    browser = logged_in(UserFactory())
    token = csrf_token(browser, "/associations/new")
    refused = browser.post(
        "/associations/new",
        data={
            "csrf_token": token,
            "name": "Association Assalam",
            "description": "Aide scolaire",
            "fields": ["education"],
            "city": "oujda",
            "member_count": "beaucoup",
            "founded_year": str(utcnow().year + 1),
            "email": "not an email",
        },
    )
    page = text(refused)
    assert refused.status_code == 422
    for name in ("member_count", "founded_year", "email"):
        assert f'id="{name}-error"' in page and f'aria-describedby="{name}-error"' in page
    assert 'id="name-error"' not in page
    assert 'value="Association Assalam"' in page and "Aide scolaire</textarea>" in page
    assert 'value="beaucoup"' in page and 'value="not an email"' in page
    assert re.search(r'value="education"\s+checked', page)
    assert re.search(r'value="oujda"\s+selected', page)
    assert db.session.query(Association).filter_by(name="Association Assalam").count() == 0


def test_the_founding_year_may_be_this_year_whenever_the_server_started(
    app: Flask, ref: None, logged_in: Any
) -> None:
    """The form's maximum is this year when the page is asked for, not when the code loaded."""
    year = utcnow().year
    browser = logged_in(UserFactory())
    page = text(browser.get("/associations/new"))
    assert re.search(rf'id="founded_year"[^>]*max="{year}"', page), page
    token = csrf_token(browser, "/associations/new")
    done = browser.post(
        "/associations/new",
        data={"csrf_token": token, "name": "Association Jdida", "founded_year": str(year)},
    )
    assert done.status_code == 302, text(done)[:2000]


def test_a_refused_edit_shows_the_reason_beside_the_field_and_keeps_the_input(
    app: Flask, make_assoc: Make, logged_in: Any
) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Annakhil", creator=founder, city="rabat")
    browser = logged_in(founder)
    token = csrf_token(browser, f"/associations/{assoc.id}/edit")
    refused = browser.post(
        f"/associations/{assoc.id}/edit",
        data={
            "csrf_token": token,
            "version": str(assoc.version),
            "name": "Association Annakhil Sale",
            "city": "atlantis",
            "phone": "06 12 34 56 78",
        },
    )
    page = text(refused)
    assert refused.status_code == 422
    assert 'id="city-error"' in page and 'id="name-error"' not in page
    assert 'value="Association Annakhil Sale"' in page and 'value="06 12 34 56 78"' in page
    db.session.expire_all()
    assert db.session.get(Association, assoc.id).name == "Association Annakhil"


def test_a_join_message_too_long_is_refused_beside_it_and_kept(
    app: Flask, make_assoc: Make, logged_in: Any
) -> None:
    assoc = make_assoc("Association Tiwizi", creator=UserFactory())
    newcomer = UserFactory()
    browser = logged_in(newcomer)
    token = csrf_token(browser, f"/associations/{assoc.id}")
    message = "Salam " * 200
    refused = browser.post(
        f"/associations/{assoc.id}/join", data={"csrf_token": token, "message": message}
    )
    page = text(refused)
    assert refused.status_code == 422
    assert 'id="message-error"' in page and message.strip() in page
    assert (
        db.session.query(Membership).filter_by(association_id=assoc.id, user_id=newcomer.id).count()
        == 0
    )
