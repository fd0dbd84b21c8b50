"""The redaction of a consultation before it goes to the library (pure logic): names of the
people involved, the association's name, phones, e-mails, national IDs and links are replaced
by […], in Arabic, French and Arabizi; the rest of the text stays as written."""

from __future__ import annotations

import pytest

from experts.redaction import MARK, leaks, redact

PEOPLE = ["Fatima Zahra Benali", "Youssef Alaoui"]
ASSOCIATION = "Association Amal Taroudant"


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        (  # French: first name, association with its generic word, phone, e-mail
            "Bonjour, je suis Fatima, trésorière de l'Association Amal Taroudant. Appelez-moi "
            "au 06 12 34 56 78 ou fatima.benali@gmail.com pour le bilan.",
            ["Fatima", "Amal Taroudant", "06 12", "gmail"],
            ["trésorière", "pour le bilan"],
        ),
        (  # Arabic: the name in Arabic script, the association in Arabic, a CIN, a civility
            "أنا فاطمة من جمعية أمل تارودانت، المستفيد صاحب البطاقة الوطنية رقم J 412345 لم "
            "يتوصل بالدعم. اتصلوا بالسيد محمد العلوي",
            ["فاطمة", "تارودانت", "412345", "محمد", "العلوي"],
            ["المستفيد", "لم يتوصل بالدعم"],
        ),
        (  # Arabizi: name, association, phone and ID card
            "salam, ana fatima men jam3iat amal taroudant, 3ayet liya 0612345678, lbita9a "
            "dyalha AB123456",
            ["fatima", "taroudant", "0612345678", "AB123456"],
            ["salam", "3ayet liya"],
        ),
        (  # a family name after a civility, the expert's first name; a link
            "Mme Benali a demandé à Youssef le modèle sur www.modeles-asso.ma. Le plan "
            "d'action reste.",
            ["Benali", "Youssef", "modeles-asso"],
            ["a demandé à", "Le plan d'action reste."],
        ),
    ],
)
def test_what_identifies_someone_is_replaced(text, gone, kept):
    out = redact(text, PEOPLE, ASSOCIATION)
    for piece in gone:
        assert piece not in out, (piece, out)
    for piece in kept:
        assert piece in out, (piece, out)
    assert MARK in out
    assert leaks(out, PEOPLE, ASSOCIATION) == []
    assert leaks(text, PEOPLE, ASSOCIATION)


def test_common_words_and_titles_without_a_name_stay():
    for text in (
        "خطة العمل جاهزة والأمل كبير",  # "عمل" (work) is not the association's "Amal"
        "L'espoir (amal) reste, et la présidente signe le procès-verbal.",
        "السيدة رئيسة الجمعية وقعت المحضر",
        "Article 5 de la loi 06-18 ; l'AG du 12/12/2026 a réuni 35 adhérents.",
    ):
        assert redact(text, PEOPLE, ASSOCIATION) == text
        assert leaks(text, PEOPLE, ASSOCIATION) == []


def test_leaks_name_each_kind_found():
    text = "Youssef, jam3iat amal taroudant: 0612345678, a@b.ma, CIN J412345, http://x.ma"
    assert leaks(text, PEOPLE, ASSOCIATION) == [
        "phone",
        "email",
        "national_id",
        "link",
        "name",
        "association",
    ]


def test_a_name_in_the_same_script_is_matched_letter_for_letter():
    # "أوعلي" (a family name) and "الأولية" (primary) share a skeleton, not their letters
    text = "ابدأوا بتكوين في الإسعافات النفسية الأولية مع السيد أوعلي"
    assert (
        redact(text, ["حسن أوعلي"], "") == "ابدأوا بتكوين في الإسعافات النفسية الأولية مع السيد […]"
    )
