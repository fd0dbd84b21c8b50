"""Updates to contributors: in the app and by email; refused when they name a beneficiary,
give a phone or an ID number, or show an image without a consent record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import db
from app.notifications.models import Notification
from campaigns.models import CampaignUpdate
from campaigns.rules import RULES

EXAMPLES = [
    (rule.code, text) for rule in RULES.rules for texts in rule.examples.values() for text in texts
]
PASSES = [(rule.code, text) for rule in RULES.rules for text in rule.passes]


@pytest.mark.parametrize(("code", "text"), EXAMPLES)
def test_each_rule_catches_its_examples(code, text):
    assert code in [h.code for h in RULES.check(text)]


@pytest.mark.parametrize(("code", "text"), PASSES)
def test_each_rule_leaves_its_passes(code, text):
    assert code not in [h.code for h in RULES.check(text)]


def test_a_refused_update_is_not_sent(api, camp, live, give):
    row = live()
    give(row["id"])
    refused = api(camp.coordinator).post(
        f"/api/v1/campaigns/{row['id']}/updates",
        json={"body": "Le panier a été remis à Mme Bennani, son numéro 0661234567"},
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "update_refused"
    codes = {h["code"] for h in refused.get_json()["error"]["fields"]["hits"]}
    assert codes == {"BENEFICIARY_NAME", "PHONE"}
    assert db.session.scalars(select(CampaignUpdate)).all() == []
    assert db.session.scalars(select(Notification)).all() == []


def test_an_update_reaches_the_contributors(api, camp, live, give, app):
    row = live()
    give(row["id"])
    give(row["id"], camp.donor2, incognito=True)
    sent = api(camp.coordinator).post(
        f"/api/v1/campaigns/{row['id']}/updates",
        json={"body": "312 paniers remis à 298 foyers vérifiés dans 4 douars."},
    )
    assert sent.status_code == 201
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "campaign_update")
    ).all()
    assert sorted(n.user_id for n in notes) == sorted([camp.donor.id, camp.donor2.id])
    mails = list((app.config["JAM3IA"].instance_path / "mail").glob("*"))
    assert len(mails) == 2
    assert (
        api(camp.member)
        .post(f"/api/v1/campaigns/{row['id']}/updates", json={"body": "Bonjour"})
        .status_code
        == 403
    )


def test_an_image_needs_a_consent_record(api, camp, live):
    from tests.support import world as make

    row = live()
    statutes = make.document(camp.treasurer, camp.a)  # no photo, no consent record
    for document_id in (statutes.id, 999_999):
        refused = api(camp.coordinator).post(
            f"/api/v1/campaigns/{row['id']}/updates",
            json={"body": "La distribution en images", "image_document_id": document_id},
        )
        assert refused.status_code == 422
        assert refused.get_json()["error"]["code"] == "no_consent"
    assert db.session.scalars(select(CampaignUpdate)).all() == []
