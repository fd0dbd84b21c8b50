"""A person registers, logs in, switches to Arabic and sees a right-to-left page."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_register_login_and_switch_to_arabic(new_page):
    page = new_page(locale="fr-FR")
    page.goto("/register")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.fill("input[name=username]", "amina")
    page.fill("input[name=display_name]", "أمينة")
    page.fill("input[name=email]", "amina@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[novalidate] button[type=submit]")
    expect(page.get_by_text("Bienvenue sur jam3ia !")).to_be_visible()

    # On a desktop the account is a Bootstrap menu: its script is deferred, so a click before the
    # page's load event can land on a toggle that does nothing yet (seen once in CI under load).
    page.wait_for_load_state("load")
    page.click(".account-menu .dropdown-toggle")
    page.click("button.link:has-text('Se déconnecter')")
    page.goto("/login")
    page.fill("input[name=login]", "amina@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[novalidate] button[type=submit]")
    expect(page.locator(".nav-account")).to_contain_text("أمينة")

    page.wait_for_load_state("load")  # the language menu is Bootstrap's too
    page.click(".language-toggle")
    page.click("button[name=locale][value=ar]")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".nav-account")).to_contain_text("تسجيل الخروج")
    # The mirrored layout: the brand sits at the inline start, which is the right in RTL.
    brand = page.locator(".brand").bounding_box()
    width = page.viewport_size["width"]
    assert brand["x"] > width / 2, brand
    assert re.search("شبكة الجمعيات", page.content())
