"""Atom feeds: a campaign's updates and the live campaigns, signed by the host, valid XML,
never a contributor's name (incognito or not)."""

from __future__ import annotations

from xml.etree import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feeds_carry_updates_and_live_campaigns_and_no_contributor(
    api, camp, live, give, draft
):
    row = live()
    hidden_draft = draft(title="Brouillon secret")
    give(row["id"], camp.donor, incognito=True)
    give(row["id"], camp.donor2)
    api(camp.coordinator).post(
        f"/api/v1/campaigns/{row['id']}/updates",
        json={"body": "312 paniers remis dans 4 douars <b>"},
    )
    one = api(None).get(f"/campaigns/{row['id']}/feed.atom")
    assert one.status_code == 200 and one.mimetype == "application/atom+xml"
    tree = ElementTree.fromstring(one.get_data())  # noqa: S314 - our own feed
    entries = tree.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}content").text == "312 paniers remis dans 4 douars <b>"
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Association Tifawin Taroudant"
    every = api(None).get("/campaigns/feed.atom")
    titles = [
        e.find(f"{ATOM}title").text
        for e in ElementTree.fromstring(every.get_data()).findall(f"{ATOM}entry")  # noqa: S314
    ]
    assert titles == [row["title"]]
    for text in (one.get_data(as_text=True), every.get_data(as_text=True)):
        for person in (camp.donor, camp.donor2):
            assert person.display_name not in text and person.email not in text
        assert hidden_draft["title"] not in text
    assert api(None).get(f"/campaigns/{hidden_draft['id']}/feed.atom").status_code == 404
    assert 'href="/campaigns/feed.atom"' in api(None).get("/campaigns").get_data(as_text=True)
