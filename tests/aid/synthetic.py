"""A synthetic population of households with planted duplicates, for measuring the duplicate
detection: the same person written again in the other script (Arabic / Latin letters, with
the transliterations people really use), the phone written with the other prefix or with one
digit wrong, the national ID left out.

Everything is drawn from a seeded :class:`random.Random`, so a run is reproducible."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

#: (Arabic spelling, Latin spellings seen in Moroccan registers)
FIRST_NAMES: list[tuple[str, list[str]]] = [
    ("محمد", ["Mohamed", "Mohammed", "Mhamed", "Muhammad"]),
    ("أحمد", ["Ahmed", "Ahmad"]),
    ("يوسف", ["Youssef", "Yousef", "Youssouf"]),
    ("فاطمة", ["Fatima", "Fatma", "Fatema"]),
    ("خديجة", ["Khadija", "Khadidja"]),
    ("عائشة", ["Aicha", "Aïcha", "Aisha"]),
    ("حسن", ["Hassan", "Hasan"]),
    ("حسين", ["Houssine", "Hussein", "Hocine"]),
    ("إبراهيم", ["Ibrahim", "Brahim"]),
    ("عبد القادر", ["Abdelkader", "Abdelkadir", "Abdel Kader"]),
    ("عبد الرحيم", ["Abderrahim", "Abderahim", "Abdelrahim"]),
    ("عبد الله", ["Abdellah", "Abdallah", "Abdullah"]),
    ("زينب", ["Zineb", "Zaynab", "Zeineb"]),
    ("مريم", ["Meryem", "Maryam", "Mariam"]),
    ("ليلى", ["Laila", "Leila", "Layla"]),
    ("سعيد", ["Said", "Saïd", "Saaid"]),
    ("رشيد", ["Rachid", "Rashid"]),
    ("نادية", ["Nadia", "Nadya"]),
    ("كريمة", ["Karima", "Krima"]),
    ("سعاد", ["Souad", "Suad"]),
    ("مصطفى", ["Mustapha", "Mostafa", "Moustapha"]),
    ("عمر", ["Omar", "Oumar"]),
    ("إدريس", ["Driss", "Idriss", "Idris"]),
    ("نعيمة", ["Naima", "Naïma"]),
    ("لحسن", ["Lahcen", "Lahssen", "Lahsen"]),
    ("حليمة", ["Halima", "Haleema"]),
    ("رقية", ["Rkia", "Rokaya", "Ruqaya"]),
    ("أمينة", ["Amina", "Aminah"]),
    ("خالد", ["Khalid", "Khaled"]),
    ("هشام", ["Hicham", "Hisham"]),
    ("سميرة", ["Samira", "Smira"]),
    ("عزيز", ["Aziz", "Azziz"]),
    ("جميلة", ["Jamila", "Djamila"]),
    ("بشرى", ["Bouchra", "Bushra"]),
    ("نور الدين", ["Noureddine", "Nour Eddine", "Nouredine"]),
    ("صفية", ["Safia", "Safiya"]),
    ("الطاهر", ["Tahar", "Taher"]),
    ("مليكة", ["Malika", "Malica"]),
    ("عثمان", ["Othmane", "Otman", "Outhmane"]),
    ("حياة", ["Hayat", "Hayate"]),
]

FAMILY_NAMES: list[tuple[str, list[str]]] = [
    ("بناني", ["Bennani", "Benani"]),
    ("العلوي", ["Alaoui", "El Alaoui"]),
    ("الإدريسي", ["Idrissi", "El Idrissi"]),
    ("التازي", ["Tazi", "Ettazi"]),
    ("الفاسي", ["Fassi", "El Fassi"]),
    ("العمراني", ["Amrani", "El Amrani"]),
    ("الوزاني", ["Ouazzani", "Wazzani"]),
    ("بنجلون", ["Benjelloun", "Benjeloun"]),
    ("الشرقاوي", ["Cherkaoui", "Charkaoui"]),
    ("السعيدي", ["Saidi", "Essaidi"]),
    ("الزياني", ["Ziani", "Zayani"]),
    ("بوزيد", ["Bouzid", "Bouzaid"]),
    ("أيت علي", ["Ait Ali", "Aït Ali"]),
    ("أمزيان", ["Amzian", "Amziane"]),
    ("أوحمو", ["Ouhammou", "Ouhamou"]),
    ("بلحاج", ["Belhaj", "Belhadj"]),
    ("الناصري", ["Naciri", "Nasiri", "Ennaciri"]),
    ("المنصوري", ["Mansouri", "El Mansouri"]),
    ("الكتاني", ["Kettani", "Kattani"]),
    ("الرحماني", ["Rahmani", "Errahmani"]),
    ("الحداد", ["Haddad", "El Haddad"]),
    ("بنعلي", ["Benali", "Ben Ali"]),
    ("الخطابي", ["Khattabi", "El Khattabi"]),
    ("البقالي", ["Bakkali", "El Bakkali"]),
    ("الطاهري", ["Tahiri", "Taheri"]),
    ("الموساوي", ["Moussaoui", "Moussawi"]),
    ("الحسني", ["Hassani", "El Hassani"]),
    ("العثماني", ["Othmani", "El Othmani"]),
    ("الغزالي", ["Ghazali", "Ghazzali"]),
    ("الدكالي", ["Doukkali", "Dokkali"]),
    ("الزروالي", ["Zerouali", "Zeroualy"]),
    ("الحمداوي", ["Hamdaoui", "Hamdawi"]),
    ("الشاوي", ["Chaoui", "Echaoui"]),
    ("السوسي", ["Soussi", "Essoussi"]),
    ("الودغيري", ["Oudghiri", "Ouadghiri"]),
    ("الصقلي", ["Sqalli", "Skalli"]),
    ("البوعزاوي", ["Bouazzaoui", "Bouazaoui"]),
    ("الركراكي", ["Regragui", "Rgragui"]),
    ("المرابط", ["Merabet", "Mrabet"]),
    ("أخياط", ["Akhiat", "Akhyat"]),
    ("بوشعيب", ["Bouchaib", "Bouchaïb"]),
    ("الجراري", ["Jirari", "Jarrari"]),
    ("الهواري", ["Houari", "El Houari"]),
    ("القاسمي", ["Kasmi", "Qasimi"]),
    ("الأنصاري", ["Ansari", "El Ansari"]),
]


@dataclass
class Person:
    first: int
    family: int
    birth_year: int
    digits: str  # the 9 digits after +212
    national_id: str | None
    commune: str
    association: int


@dataclass
class Planted:
    """One registration: ``of`` is the index of the registration it duplicates (None: new)."""

    association: int
    data: dict[str, Any]
    of: int | None = None
    phone_typo: bool = False


@dataclass
class Population:
    rows: list[Planted] = field(default_factory=list)

    @property
    def duplicates(self) -> list[int]:
        return [i for i, row in enumerate(self.rows) if row.of is not None]


def _spell(rng: random.Random, entry: tuple[str, list[str]], script: str) -> str:
    return entry[0] if script == "ar" else rng.choice(entry[1])


def _other_spelling(rng: random.Random, entry: tuple[str, list[str]], used: str) -> str:
    """Another way of writing the same name: the Arabic spelling for a Latin one; a Latin
    spelling (mostly a different one) for the Arabic one."""
    if used != entry[0] and rng.random() < 0.75:
        return entry[0]
    others = [v for v in entry[1] if v != used] or entry[1]
    return rng.choice(others)


def _write_phone(rng: random.Random, digits: str) -> str:
    national = "0" + digits
    return rng.choice(
        [
            national,
            " ".join([national[:2], national[2:4], national[4:6], national[6:8], national[8:]]),
            "+212" + digits,
            "+212 " + digits[0] + " " + digits[1:],
            "00212" + digits,
        ]
    )


def _typo(rng: random.Random, digits: str) -> str:
    at = rng.randrange(1, len(digits))  # the first digit (6/7) is the operator: kept
    wrong = rng.choice([d for d in "0123456789" if d != digits[at]])
    return digits[:at] + wrong + digits[at + 1 :]


def generate(
    count: int,
    associations: list[int],
    communes: dict[int, list[str]],
    province: int,
    *,
    rate: float = 0.05,
    across: float = 0.4,
    seed: int = 19,
) -> Population:
    """``count`` registrations in ``associations``; ``rate`` of them are duplicates of an
    earlier one, ``across`` of those registered in another association. Originals come
    first, duplicates after (in random order), as a second registration would."""
    rng = random.Random(seed)
    dup_count = round(count * rate)
    people: list[Person] = []
    phones: set[str] = set()
    ids: set[str] = set()
    pop = Population()
    for _ in range(count - dup_count):
        while True:
            digits = rng.choice("67") + f"{rng.randrange(10**8):08d}"
            if digits not in phones:
                phones.add(digits)
                break
        national_id = None
        if rng.random() < 0.6:
            while True:
                national_id = rng.choice(["J", "JB", "JC", "JE", "BK", "A", "EE"]) + str(
                    rng.randrange(10000, 999999)
                )
                if national_id not in ids:
                    ids.add(national_id)
                    break
        association = rng.choice(associations)
        person = Person(
            first=rng.randrange(len(FIRST_NAMES)),
            family=rng.randrange(len(FAMILY_NAMES)),
            birth_year=rng.randint(1940, 2004),
            digits=digits,
            national_id=national_id,
            commune=rng.choice(communes[association]),
            association=association,
        )
        people.append(person)
        script = "ar" if rng.random() < 0.4 else "latin"
        first = _spell(rng, FIRST_NAMES[person.first], script)
        family = _spell(rng, FAMILY_NAMES[person.family], script)
        pop.rows.append(
            Planted(
                association=association,
                data=_body(
                    f"{first} {family}",
                    _write_phone(rng, digits) if rng.random() < 0.9 else None,
                    national_id,
                    person,
                    province,
                ),
            )
        )
    for _ in range(dup_count):
        of = rng.randrange(len(people))
        person, original = people[of], pop.rows[of]
        first_written, family_written = _split(original.data["head_name"], person)
        first = _other_spelling(rng, FIRST_NAMES[person.first], first_written)
        family = _other_spelling(rng, FAMILY_NAMES[person.family], family_written)
        typo = rng.random() < 0.3
        digits = _typo(rng, person.digits) if typo else person.digits
        phone = _write_phone(rng, digits) if rng.random() < 0.9 else None
        national_id = person.national_id if rng.random() < 0.5 else None
        association = person.association
        commune = person.commune
        if rng.random() < across:
            association = rng.choice([a for a in associations if a != person.association])
            commune = rng.choice(communes[association])
        pop.rows.append(
            Planted(
                association=association,
                data=_body(f"{first} {family}", phone, national_id, person, province, commune),
                of=of,
                phone_typo=typo and phone is not None,
            )
        )
    return pop


def _split(written: str, person: Person) -> tuple[str, str]:
    for spelling in [FIRST_NAMES[person.first][0], *FIRST_NAMES[person.first][1]]:
        if written.startswith(spelling + " "):
            return spelling, written[len(spelling) + 1 :]
    raise AssertionError(written)


def _body(
    name: str,
    phone: str | None,
    national_id: str | None,
    person: Person,
    province: int,
    commune: str | None = None,
) -> dict[str, Any]:
    return {
        "head_name": name,
        "phone": phone,
        "national_id": national_id,
        "address": "Douar Ait Iazza",
        "birth_year": person.birth_year,
        "province_id": province,
        "commune": commune or person.commune,
        "douar": "",
        "size": 4,
        "composition": {},
        "vulnerabilities": [],
        "registry_status": "unknown",
        "consent": {"mode": "paper", "purposes": ["aid_delivery"], "language": "ar"},
        "needs": [],
    }
