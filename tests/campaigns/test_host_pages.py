"""The host's pages: a campaign drafted, edited and taken live without the API, the live
checklist with its links, expenses with receipts and four eyes, cash with two confirmers, and
updates with a consented photo shown on the public page."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.db import db
from campaigns.models import BudgetLine, Campaign, CampaignUpdate, Contribution, Expense
from tests.campaigns.conftest import authorise, consented_photo, today
from tests.conftest import csrf_token


def _form(**changes):
    form = {
        "title": "قفة رمضان",
        "story_ar": "قفف لأسر دواوير تارودانت",
        "story_fr": "",
        "target_group": "",
        "bank_reference": "",
        "starts_on": today().isoformat(),
        "ends_on": today().isoformat(),
        "min_goal": "20 000",
        "optimum_goal": "45000,50",
        "model": "keep",
        "report_days": "90",
        "line_label": ["Paniers", ""],
        "line_amount": ["40000", ""],
    }
    form.update(changes)
    return form


def test_a_treasurer_drafts_edits_and_takes_live_from_the_pages(logged_in, api, camp):
    browser = logged_in(camp.coordinator)
    token = csrf_token(browser, "/campaigns/new")
    assert "Association Tifawin Taroudant" in browser.get("/campaigns/new").get_data(as_text=True)
    # a wrong amount and a missing title: said beside their fields, nothing written
    bad = browser.post(
        "/campaigns/new",
        data={**_form(min_goal="vingt", title=""), "csrf_token": token, "association_id": camp.a},
    )
    assert bad.status_code == 422
    assert "1500.50" in bad.get_data(as_text=True)
    assert db.session.scalars(select(Campaign)).all() == []
    made = browser.post(
        "/campaigns/new", data={**_form(), "csrf_token": token, "association_id": camp.a}
    )
    assert made.status_code == 303
    row = db.session.scalars(select(Campaign)).one()
    assert (row.min_goal, row.optimum_goal, row.status) == (20_000_00, 45_000_50, "draft")
    page = browser.get(made.headers["Location"]).get_data(as_text=True)
    # the checklist: what is missing, each with the link that fixes it
    assert f"/associations/{camp.a}/library/calendar#new-authorization" in page
    assert 'data-check="bank_reference"' in page and "is-missing" in page
    assert f"/campaigns/{row.id}/edit#f-target_group" in page
    # edit: bank, target group, a second line, the first removed; a deadline out of range
    edit = f"/campaigns/{row.id}/edit"
    changes = _form(
        target_group="Familles des douars",
        bank_reference="CIH 230 810 0001234567890123 45",
        line_label=["Paniers", "Transport", ""],
        line_amount=["40000", "5000", ""],
        line_remove=["0"],
    )
    refused = browser.post(edit, data={**changes, "report_days": "200", "csrf_token": token})
    assert refused.status_code == 422
    assert "180" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Campaign, row.id).bank_reference == ""
    assert browser.post(edit, data={**changes, "csrf_token": token}).status_code == 303
    db.session.expire_all()
    lines = db.session.scalars(select(BudgetLine).where(BudgetLine.campaign_id == row.id)).all()
    assert [(x.label, x.amount) for x in lines] == [("Transport", 5_000_00)]
    page = browser.get(edit).get_data(as_text=True)
    assert 'class="campaign-check is-ok" data-check="bank_reference"' in page
    assert 'class="campaign-check is-missing" data-check="authorization"' in page
    live = f"/campaigns/{row.id}/manage/live"
    assert browser.post(live, data={"csrf_token": token}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Campaign, row.id).status == "draft"
    authorise(api, camp.treasurer, camp.a)
    assert browser.post(live, data={"csrf_token": token}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Campaign, row.id).status == "live"
    # a live campaign's terms stay
    assert browser.post(edit, data={**changes, "csrf_token": token}).status_code == 409
    # a plain member drafts nothing and edits nothing
    member = logged_in(camp.member)
    assert member.get("/campaigns/new").status_code == 403
    assert member.get(edit).status_code == 403


def test_expenses_cash_and_updates_from_the_host_page(logged_in, api, camp, live, give):
    row = live()
    cid = row["id"]
    line = row["budget_lines"][0]["id"]
    coordinator = logged_in(camp.coordinator)
    token = csrf_token(coordinator, f"/campaigns/{cid}/manage")
    expense = {"csrf_token": token, "budget_line_id": line, "supplier": "Épicerie Atlas"}
    # from 200 MAD a receipt is needed; with one it is recorded
    coordinator.post(f"/campaigns/{cid}/manage/expense", data={**expense, "dirhams": "1200"})
    assert db.session.scalars(select(Expense)).all() == []
    with_receipt = {
        **expense,
        "dirhams": "1200,50",
        "receipt": (io.BytesIO(b"%PDF-1.4 receipt"), "facture.pdf", "application/pdf"),
    }
    coordinator.post(
        f"/campaigns/{cid}/manage/expense", data=with_receipt, content_type="multipart/form-data"
    )
    spent = db.session.scalars(select(Expense)).one()
    assert (spent.amount, spent.submitted_by, spent.receipt_type) == (
        1_200_50,
        camp.coordinator.id,
        "application/pdf",
    )
    # four eyes: the treasurer who submits an expense does not approve it
    treasurer = logged_in(camp.treasurer)
    t_token = csrf_token(treasurer, f"/campaigns/{cid}/manage")
    treasurer.post(
        f"/campaigns/{cid}/manage/expense",
        data={**expense, "csrf_token": t_token, "dirhams": "150"},
    )
    own = db.session.scalars(select(Expense).where(Expense.amount == 150_00)).one()
    page = treasurer.get(f"/campaigns/{cid}/manage").get_data(as_text=True)
    assert "Another treasurer approves it" in page or "يوافق عليه" in page
    treasurer.post(f"/campaigns/{cid}/manage/approve", data={"csrf_token": t_token, "item": own.id})
    db.session.expire_all()
    assert db.session.get(Expense, own.id).status == "submitted"
    for action in ("approve", "pay"):
        treasurer.post(
            f"/campaigns/{cid}/manage/{action}", data={"csrf_token": t_token, "item": spent.id}
        )
    db.session.expire_all()
    assert db.session.get(Expense, spent.id).status == "paid"
    # cash: the first confirmer waits for a second
    gift = give(cid, method="cash")
    treasurer.post(
        f"/campaigns/{cid}/manage/confirm", data={"csrf_token": t_token, "item": gift["id"]}
    )
    treasurer.post(
        f"/campaigns/{cid}/manage/confirm", data={"csrf_token": t_token, "item": gift["id"]}
    )
    db.session.expire_all()
    assert db.session.get(Contribution, gift["id"]).status == "pledged"
    second = logged_in(camp.treasurer2)
    s_token = csrf_token(second, f"/campaigns/{cid}/manage")
    second.post(
        f"/campaigns/{cid}/manage/confirm", data={"csrf_token": s_token, "item": gift["id"]}
    )
    db.session.expire_all()
    assert db.session.get(Contribution, gift["id"]).status == "confirmed"
    # an update with a consented photo: its thumbnail and alt text on the public page
    photo = consented_photo(api, camp)
    assert f'<option value="{photo}">' in coordinator.get(f"/campaigns/{cid}/manage").get_data(
        as_text=True
    )
    post = {"csrf_token": token, "body": "Les paniers sont arrivés à Ouled Berhil."}
    coordinator.post(f"/campaigns/{cid}/manage/update", data={**post, "image_document_id": photo})
    assert db.session.scalars(select(CampaignUpdate)).all() == []  # no alt text
    coordinator.post(
        f"/campaigns/{cid}/manage/update",
        data={**post, "image_document_id": photo, "image_alt": "Des paniers dans un camion"},
    )
    news = db.session.scalars(select(CampaignUpdate)).one()
    public = api(None).get(f"/campaigns/{cid}").get_data(as_text=True)
    image = f"/campaigns/{cid}/updates/{news.id}/image.jpg"
    assert f'src="{image}"' in public and 'alt="Des paniers dans un camion"' in public
    thumb = api(None).get(image)
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert api(None).get(f"/campaigns/{cid}/updates/{news.id + 1}/image.jpg").status_code == 404
    # consent withdrawn: the photo is no longer shown
    consents = api(camp.treasurer).get(f"/api/v1/documents/{photo}").get_json()["consents"]
    api(camp.treasurer).delete(f"/api/v1/documents/{photo}/consents/{consents[0]['id']}")
    assert api(None).get(image).status_code == 404
    assert image not in api(None).get(f"/campaigns/{cid}").get_data(as_text=True)
    # an outsider posts nothing
    outsider = logged_in(camp.outsider)
    o_token = csrf_token(outsider, f"/campaigns/{cid}")
    assert (
        outsider.post(
            f"/campaigns/{cid}/manage/update", data={**post, "csrf_token": o_token}
        ).status_code
        == 403
    )
