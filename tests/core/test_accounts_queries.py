"""The account reads every feature shares (app.accounts.queries): one query each, whatever
the number of people; usernames found whatever their case."""

from __future__ import annotations

from flask import Flask

from app.accounts.queries import ids_by_username, user_by_username, users_by_id
from tests.conftest import count_statements
from tests.factories import UserFactory


def test_users_by_id_is_one_query_and_leaves_unknown_ids_out(app: Flask) -> None:
    people = [UserFactory() for _ in range(5)]
    gone = UserFactory(is_active=False)
    ids = {p.id for p in people} | {gone.id, 999_999}
    with count_statements() as statements:
        found = users_by_id(ids)
    assert len(statements) == 1
    assert found.keys() == {p.id for p in people} | {gone.id}
    assert all(found[p.id] is p for p in people)
    assert users_by_id(ids, active=True).keys() == {p.id for p in people}
    with count_statements() as statements:
        assert users_by_id([]) == {}
    assert statements == []


def test_user_by_username_ignores_the_case(app: Flask) -> None:
    karim = UserFactory(username="Karim_B")
    assert user_by_username("karim_b") is karim
    assert user_by_username("KARIM_B") is karim
    assert user_by_username("karim") is None


def test_ids_by_username_is_one_query_keyed_in_lower_case(app: Flask) -> None:
    karim, amina = UserFactory(username="Karim_B"), UserFactory(username="amina")
    with count_statements() as statements:
        found = ids_by_username(["karim_b", "AMINA", "Amina", "nobody"])
    assert len(statements) == 1
    assert found == {"karim_b": karim.id, "amina": amina.id}
    with count_statements() as statements:
        assert ids_by_username([]) == {}
    assert statements == []
