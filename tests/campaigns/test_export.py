"""A contributor's data export holds their own pledges and contributions, incognito ones
included, with the receipts of those received; nobody else's."""

from __future__ import annotations

import io
import json
import zipfile

from tests.campaigns.conftest import confirm_cash


def test_the_account_export_has_my_contributions_and_receipts(api, camp, live, give):
    row = live()
    open_gift = give(row["id"], amount=300_00)
    hidden = give(row["id"], method="cash", amount=250_00, incognito=True)
    confirm_cash(api, camp, hidden["id"])
    others = give(row["id"], camp.donor2, amount=999_00)

    def exported(who):
        response = api(who).get("/api/v1/me/export")
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
        return json.loads(archive.read("data.json"))["campaigns"], archive

    mine, archive = exported(camp.donor)
    by_id = {c["id"]: c for c in mine["contributions"]}
    assert set(by_id) == {open_gift["id"], hidden["id"]}
    assert by_id[hidden["id"]]["incognito"] is True
    assert by_id[hidden["id"]]["status"] == "confirmed"
    assert by_id[hidden["id"]]["amount_centimes"] == 250_00
    assert by_id[open_gift["id"]]["receipt_file"] is None
    receipt = by_id[hidden["id"]]["receipt_file"]
    assert archive.read(f"files/{receipt}").startswith(b"%PDF")
    assert [n for n in archive.namelist() if n.startswith("files/campaigns/")] == [
        f"files/{receipt}"
    ]
    theirs, _archive = exported(camp.donor2)
    assert [c["id"] for c in theirs["contributions"]] == [others["id"]]
    assert exported(camp.outsider)[0] == {"contributions": []}
