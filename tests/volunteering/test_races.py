"""Many volunteers signing up at once for few places: exactly as many as there are places get
one (the conditional UPDATE of the shift's counter), the others answer 409 ``full``; the same on
SQLite and PostgreSQL (``TEST_DATABASE_URL``)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.db import db
from tests.factories import UserFactory
from tests.volunteering.conftest import soon
from volunteering.models import Application, Shift, Signup, VolunteerProfile

VOLUNTEERS = 100
PLACES = 10


def test_100_concurrent_sign_ups_for_10_places_confirm_exactly_10(api, vol, publish):
    made = publish(
        shifts=[
            {
                "starts_at": soon(10, 8).isoformat(),
                "ends_at": soon(10, 12).isoformat(),
                "capacity": PLACES,
            }
        ]
    )
    shift_id = made["shifts"][0]["id"]
    people = [UserFactory() for _ in range(VOLUNTEERS)]
    for who in people:
        db.session.add(VolunteerProfile(user_id=who.id, birth_year=1990))
        db.session.add(
            Application(opportunity_id=made["id"], volunteer_id=who.id, status="accepted")
        )
    db.session.commit()
    clients = [api(who) for who in people]
    barrier = threading.Barrier(VOLUNTEERS)
    codes: list[int] = []
    lock = threading.Lock()

    def sign_up(client) -> None:
        barrier.wait()
        response = client.post(f"/api/v1/shifts/{shift_id}/signups")
        with lock:
            codes.append(response.status_code)
            if response.status_code not in (201, 409):
                codes.append(-1)
                print(response.get_data(as_text=True)[:300])

    threads = [threading.Thread(target=sign_up, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(201) == PLACES, sorted(codes)
    assert codes.count(409) == VOLUNTEERS - PLACES
    db.session.expire_all()
    assert db.session.get(Shift, shift_id).taken == PLACES
    confirmed = db.session.scalar(
        select(func.count(Signup.id)).where(
            Signup.shift_id == shift_id, Signup.status == "confirmed"
        )
    )
    assert confirmed == PLACES


def test_racing_signatures_and_edits_of_a_contract_never_change_a_signed_text(api, vol, publish):
    """The volunteer signs while the coordinators edit the terms and sign, all at once, many
    times: whatever wins, a contract with a signature keeps the text its hash was made from,
    and it is signed (both sides) only once both signatures are in."""
    from tests.volunteering.conftest import adult
    from tests.volunteering.test_contracts import TERMS
    from volunteering import contracts
    from volunteering.models import Contract

    made = publish(contractual=True)
    adult(api, vol.volunteer)
    app_id = (
        api(vol.volunteer)
        .post(f"/api/v1/opportunities/{made['id']}/applications", json={})
        .get_json()["id"]
    )
    contract = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/contract", json=TERMS)
    path = f"/api/v1/contracts/{contract.get_json()['id']}"
    calls = [
        (api(vol.volunteer), "post", f"{path}/sign", None),
        (api(vol.coordinator), "post", f"{path}/sign", None),
        (api(vol.admin), "post", f"{path}/sign", None),
    ] + [(api(vol.coordinator), "patch", path, {"tasks": f"Tâche {n}"}) for n in range(8)]
    barrier = threading.Barrier(len(calls))
    codes: list[int] = []
    lock = threading.Lock()

    def call(client, method, url, body) -> None:
        barrier.wait()
        response = getattr(client, method)(url, json=body) if body else client.post(url)
        with lock:
            codes.append(response.status_code)

    threads = [threading.Thread(target=call, args=c) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(codes) <= {200, 409}, codes
    db.session.expire_all()
    row = db.session.scalar(select(Contract))
    if row.text_sha256 is not None:
        assert contracts.intact(row)
        assert row.tasks in row.text_fr  # the kept text has the terms as they are
    assert (row.status == "signed") == (
        row.volunteer_signed_at is not None and row.coordinator_signed_at is not None
    )


def test_racing_acceptances_for_a_caravan_role_never_pass_its_quota(api, vol):
    """A caravan's role (its component's opportunity) of 3 places, 12 applications accepted
    at once by two coordinators: exactly 3 are confirmed, the others answer 409 ``full``."""
    import datetime as dt

    from tests.support import world as make
    from volunteering.models import Role

    start = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=20)
    caravan = (
        api(vol.coordinator)
        .post(
            "/api/v1/caravans",
            json={
                "lead_association_id": vol.association.id,
                "title": "Qafilat Souss-Massa",
                "city_id": vol.city_id,
                "douar": "Douar Aït Iazza",
                "starts_on": start.isoformat(),
                "ends_on": start.isoformat(),
            },
        )
        .get_json()
    )
    component = (
        api(vol.coordinator)
        .post(
            f"/api/v1/caravans/{caravan['id']}/components",
            json={
                "kind": "children",
                "title": "Ateliers",
                "day": start.isoformat(),
                "start_time": "09:00",
                "end_time": "12:00",
                "roles": [{"title": "Animation", "quota": 3}],
            },
        )
        .get_json()
    )
    role_id = component["roles"][0]["id"]
    people = [UserFactory() for _ in range(12)]
    for who in people:
        db.session.add(VolunteerProfile(user_id=who.id, birth_year=1990))
        db.session.add(
            Application(
                opportunity_id=component["opportunity_id"], role_id=role_id, volunteer_id=who.id
            )
        )
    db.session.commit()
    ids = list(db.session.scalars(select(Application.id).order_by(Application.id)))
    second = make.person("Second coordinator")
    make.join(vol.association, second, "coordinator")
    clients = [api(vol.coordinator), api(second)]
    barrier = threading.Barrier(len(ids))
    codes: list[int] = []
    lock = threading.Lock()

    def accept(n: int, app_id: int) -> None:
        barrier.wait()
        response = clients[n % 2].post(f"/api/v1/applications/{app_id}/accept")
        with lock:
            codes.append(response.status_code)

    threads = [threading.Thread(target=accept, args=(n, i)) for n, i in enumerate(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(200) == 3 and codes.count(409) == 9, sorted(codes)
    db.session.expire_all()
    assert db.session.get(Role, role_id).accepted == 3
    accepted = db.session.scalar(
        select(func.count(Application.id)).where(Application.status == "accepted")
    )
    assert accepted == 3
