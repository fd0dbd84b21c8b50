"""Expert profiles through the API: the no-fee statement, the directory's filters."""

from __future__ import annotations

from tests.experts.conftest import profile_body, region_id
from tests.factories import UserFactory


def test_a_profile_without_the_no_fee_statement_is_refused(api, ref):
    person = UserFactory()
    response = api(person).post("/api/v1/experts", json=profile_body(no_fee=False))
    assert response.status_code == 422
    assert "no_fee" in response.get_json()["error"]["fields"]
    response = api(person).post(
        "/api/v1/experts", json={k: v for k, v in profile_body().items() if k != "no_fee"}
    )
    assert response.status_code == 422
    assert api(None).get("/api/v1/experts").get_json()["total"] == 0


def test_a_profile_needs_a_domain_and_a_region_or_remote_help(api, ref):
    person = UserFactory()
    client = api(person)
    assert client.post("/api/v1/experts", json=profile_body(domains=[])).status_code == 422
    nowhere = client.post("/api/v1/experts", json=profile_body(region_ids=[], remote=False))
    assert nowhere.status_code == 422
    assert "region_ids" in nowhere.get_json()["error"]["fields"]
    unknown = client.post("/api/v1/experts", json=profile_body(domains=["astrology"]))
    assert unknown.status_code == 422


def test_becoming_an_expert_twice_answers_409_and_anonymous_401(api, ref, expert):
    person, profile = expert()
    assert profile["capacity_left"] == 2 and profile["available"] is True
    assert profile["no_fee_signed_at"]
    assert api(person).post("/api/v1/experts", json=profile_body()).status_code == 409
    assert api(None).post("/api/v1/experts", json=profile_body()).status_code == 401


def test_the_directory_filters_by_domain_language_and_region(api, expert):
    _p, lawyer = expert("Lawyer", region_ids=[region_id("souss-massa")], remote=False)
    _q, accountant = expert(
        "Accountant",
        domains=["accounting"],
        languages=["ar"],
        region_ids=[region_id("casablanca-settat")],
        remote=False,
    )
    _r, remote = expert("Remote", domains=["accounting", "it"], region_ids=[], remote=True)

    def ids(query: str) -> list[int]:
        return sorted(
            e["id"] for e in api(None).get(f"/api/v1/experts?{query}").get_json()["items"]
        )

    assert ids("domain=accounting") == sorted([accountant["id"], remote["id"]])
    assert ids("language=fr") == sorted([lawyer["id"], remote["id"]])
    assert ids(f"region={region_id('souss-massa')}") == sorted([lawyer["id"], remote["id"]])
    assert ids(f"domain=accounting&region={region_id('souss-massa')}") == [remote["id"]]
    assert api(None).get("/api/v1/experts?domain=astrology").status_code == 422


def test_only_the_expert_changes_their_profile(api, expert):
    person, profile = expert()
    changed = api(person).patch("/api/v1/experts/me", json={"monthly_capacity": 5})
    assert changed.status_code == 200 and changed.get_json()["monthly_capacity"] == 5
    assert (
        api(UserFactory()).patch("/api/v1/experts/me", json={"monthly_capacity": 1}).status_code
        == 404
    )
    refused = api(person).patch("/api/v1/experts/me", json={"no_fee": False})
    assert refused.status_code == 422
    assert api(None).get(f"/api/v1/experts/{profile['id']}").get_json()["monthly_capacity"] == 5
