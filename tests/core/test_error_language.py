"""Errors speak the reader's language: the rules are under the sign-up fields before the first
try, a bad sign-up is told what is wrong in ar/fr/en, and API answers keep their stable code
with marshmallow's own messages translated."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import UserFactory

RULES = {
    "ar": ("من 3 إلى 32 حرفًا: حروف لاتينية وأرقام", "من 8 إلى 256 حرفًا."),
    "fr": ("De 3 à 32 caractères : lettres latines, chiffres", "De 8 à 256 caractères."),
    "en": ("3 to 32 characters: Latin letters, digits", "8 to 256 characters."),
}
EMAIL = {
    "ar": "أدخل عنوان بريد إلكتروني صحيحًا.",
    "fr": "Saisissez une adresse e-mail valide.",
    "en": "Enter a valid email address.",
}
REQUIRED = {
    "ar": "هذا الحقل مطلوب.",
    "fr": "Ce champ est obligatoire.",
    "en": "This field is required.",
}
TOO_LONG = {
    "ar": "بين 2 و200 حرفًا.",
    "fr": "Entre 2 et 200 caractères.",
    "en": "Between 2 and 200 characters.",
}


@pytest.mark.parametrize("locale", ["ar", "fr", "en"])
def test_sign_up_shows_its_rules_before_the_first_try(client, locale):
    html = client.get("/register", headers={"Accept-Language": locale}).get_data(as_text=True)
    username_rule, password_rule = RULES[locale]
    assert re.search(r'id="username"[^>]*aria-describedby="username-hint"', html) or (
        'aria-describedby="username-hint"' in html
    )
    assert username_rule in html and password_rule in html


@pytest.mark.parametrize("locale", ["ar", "fr", "en"])
def test_a_bad_sign_up_is_told_in_the_reader_language(client, locale):
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={"username": "a b", "email": "bad", "password": "x", "csrf_token": token},
        headers={"Accept-Language": locale},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert EMAIL[locale] in html and RULES[locale][0] in html and RULES[locale][1] in html
    if locale != "en":
        assert "Enter a valid email address." not in html and "characters" not in html


@pytest.mark.parametrize("locale", ["ar", "fr", "en"])
def test_api_errors_keep_their_code_and_speak_the_reader_language(api, locale):
    response = api(None).post(
        "/api/v1/auth/register",
        json={"username": "amina", "email": "bad", "password": "long enough password"},
        headers={"Accept-Language": locale},
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"]["email"] == [EMAIL[locale]]
    missing = api(UserFactory()).post(
        "/api/v1/associations",
        json={"name": "x" * 500},
        headers={"Accept-Language": locale},
    )
    assert missing.status_code == 422
    fields = missing.get_json()["error"]["fields"]
    assert fields["name"] == [TOO_LONG[locale]]
    anonymous = api(None).post(
        "/api/v1/auth/register", json={"email": "a@b.ma"}, headers={"Accept-Language": locale}
    )
    fields = anonymous.get_json()["error"]["fields"]
    assert fields["username"] == [REQUIRED[locale]] and fields["password"] == [REQUIRED[locale]]


@pytest.mark.parametrize(
    ("locale", "said"),
    [("ar", "قيمة غير معروفة: 04"), ("fr", "Valeur inconnue : 04"), ("en", "Unknown value: 04")],
)
def test_an_unknown_filter_is_explained_in_the_reader_language(client, api, locale, said):
    page = client.get("/directory?region=04", headers={"Accept-Language": locale})
    assert page.status_code == 422 and said in page.get_data(as_text=True)
    answer = api(None).get("/api/v1/associations?region=04", headers={"Accept-Language": locale})
    assert answer.get_json()["error"]["fields"]["region"] == [said]


def test_profile_refusals_are_translated(api, user):
    response = api(user).patch(
        "/api/v1/me", json={"bio": "x" * 5000, "locale": "ar"}, headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["bio"] == ["Au plus 2000 caractères."]
