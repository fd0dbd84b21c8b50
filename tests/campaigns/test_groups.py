"""An informal group campaigns through a host: its name and referent; the host's
administrators approve carrying it (legal responsibility) before it may go live."""

from __future__ import annotations

from tests.campaigns.conftest import authorise


def test_an_informal_group_goes_live_once_its_host_carries_it(api, logged_in, camp, draft):
    authorise(api, camp.treasurer, camp.a)
    refused = api(camp.coordinator).post(
        "/api/v1/campaigns",
        json={**_body(camp), "group_name": "Jeunes de Tiout"},
    )
    assert refused.status_code == 422 and "group_referent" in refused.get_json()["error"]["fields"]
    row = draft(group_name="Jeunes de Tiout", group_referent="Brahim Ait Ali")
    assert (row["group_name"], row["group_approved"]) == ("Jeunes de Tiout", False)
    cid = row["id"]
    blocked = api(camp.coordinator).post(f"/api/v1/campaigns/{cid}/live")
    assert blocked.status_code == 422 and "group" in blocked.get_json()["error"]["fields"]
    page = logged_in(camp.coordinator).get(f"/campaigns/{cid}/edit").get_data(as_text=True)
    assert 'class="campaign-check is-missing" data-check="group"' in page
    assert api(camp.coordinator).post(f"/api/v1/campaigns/{cid}/group/approve").status_code == 403
    approved = api(camp.treasurer).post(f"/api/v1/campaigns/{cid}/group/approve")
    assert approved.status_code == 200 and approved.get_json()["group_approved"]
    # a change of group undoes the approval: it was given for the group as it was
    api(camp.coordinator).patch(f"/api/v1/campaigns/{cid}", json={"group_referent": "Said"})
    assert not api(camp.coordinator).get(f"/api/v1/campaigns/{cid}").get_json()["group_approved"]
    api(camp.treasurer).post(f"/api/v1/campaigns/{cid}/group/approve")
    assert api(camp.coordinator).post(f"/api/v1/campaigns/{cid}/live").status_code == 200
    public = api(None).get(f"/campaigns/{cid}").get_data(as_text=True)
    assert "<bdi>Jeunes de Tiout</bdi>" in public and "<bdi>Said</bdi>" in public


def _body(camp):
    from tests.campaigns.conftest import campaign_body

    return campaign_body(camp.a)
