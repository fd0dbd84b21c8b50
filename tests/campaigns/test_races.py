"""Receipt numbers under concurrency: confirmations racing in real threads never share a
number (on PostgreSQL with TEST_DATABASE_URL, the conditional UPDATE of the counter decides)."""

from __future__ import annotations

import threading

from sqlalchemy import select

from app.db import db
from campaigns.models import Contribution


def test_racing_confirmations_get_distinct_receipt_numbers(api, camp, live, give):
    row = live()
    gifts = [give(row["id"], method="cash", amount=(n + 1) * 100)["id"] for n in range(6)]
    for gift in gifts:
        assert api(camp.treasurer).post(f"/api/v1/contributions/{gift}/confirm").status_code == 200
    client = api(camp.treasurer2)
    barrier = threading.Barrier(len(gifts))
    codes: list[int] = []

    def confirm(gift: int) -> None:
        barrier.wait()
        codes.append(client.post(f"/api/v1/contributions/{gift}/confirm").status_code)

    threads = [threading.Thread(target=confirm, args=(g,)) for g in gifts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * len(gifts)
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Contribution.receipt_number)))
    assert numbers == list(range(1, len(gifts) + 1))
