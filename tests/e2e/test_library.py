"""The library in a browser: an admin uploads through the form on a phone, sees the overdue
block and the calendar; screenshots in Arabic and French go to ``JAM3IA_SCREENSHOTS``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from app.db import db
from library import services
from library.demo import tiny_pdf
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory

SHOTS = os.environ.get("JAM3IA_SCREENSHOTS")


def shot(page: object, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)  # type: ignore[attr-defined]


def test_admin_uploads_on_a_phone_and_sees_overdue_items(new_page, live_server, tmp_path):
    association = AssociationFactory(name="جمعية الأمل")
    admin = UserFactory(display_name="Badr")
    MembershipFactory(association=association, user=admin, role="admin")
    filed = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=70)
    services.create_document(
        admin,
        association.id,
        {"kind": "provisional_receipt", "title": "Récépissé provisoire", "valid_from": filed},
        "recu.pdf",
        tiny_pdf("Recu"),
    )
    db.session.commit()
    pdf = tmp_path / "statuts.pdf"
    pdf.write_bytes(tiny_pdf("Statuts"))
    for locale, size in (("ar-MA", (390, 844)), ("fr-FR", (1366, 800))):
        width, height = size
        page = new_page(admin, locale=locale, viewport={"width": width, "height": height})
        page.goto(f"/associations/{association.id}/library")
        assert page.locator(".library-overdue").is_visible()
        shot(page, f"library-{locale}-{width}")
        page.set_input_files("input[name=file]", str(pdf))
        page.fill("input[name=title]", f"Statuts {locale}")
        page.click("form[enctype] button[type=submit]")
        page.wait_for_url("**/library/documents/**")
        assert f"Statuts {locale}" in page.inner_text("h1")
        shot(page, f"document-{locale}-{width}")
        page.goto(f"/associations/{association.id}/library/calendar")
        assert page.locator(".obligation-overdue").count() == 1
        shot(page, f"calendar-{locale}-{width}")
