"""Values no row can have: ids above 2^63-1 and absurdly nested JSON answer 4xx, never 500.

Every URL rule with an ``int`` part, every documented integer query parameter and every integer
property of a documented JSON body is tried with 2^63 and 2^64 (the fuzzer's random cases rarely
reach them), as a signed-in user and through the HTML pages as well.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from app.api import API_PREFIX
from tests.conftest import ApiClient, csrf_token, token_for
from tests.factories import UserFactory

HUGE = (2**63, 2**64, 10**30)


@pytest.fixture
def config(config):
    return config.with_changes(ratelimit_enabled=False)


def _int_rules(app: Flask) -> list[tuple[str, Rule]]:
    return [
        (method, rule)
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]


def _fill(rule: Rule, value: int) -> str:
    return re.sub(
        r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
        lambda m: str(value) if m.group(1) == "int" else "x",
        rule.rule,
    )


def test_every_int_route_refuses_ids_no_row_can_have(app: Flask, logged_in) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is reported with the others
    user = UserFactory()
    api = ApiClient(app, token_for(user))
    browser = logged_in(user)
    token = csrf_token(browser)
    rules = _int_rules(app)
    assert len(rules) > 40
    failures = []
    for method, rule in rules:
        for value in HUGE:
            path = _fill(rule, value)
            if rule.rule.startswith(API_PREFIX):
                response = api.request(method, path)
            else:
                response = browser.open(path, method=method, data={"csrf_token": token})
            status = response.status_code
            # an idempotent DELETE of what does not exist may answer 204 (nothing to remove)
            if status >= 500 or (200 <= status < 300 and (method, status) != ("DELETE", 204)):
                failures.append(f"{method} {path}: {response.status_code}")
    assert not failures, "\n".join(failures)


def _huge_for(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    body: dict[str, Any] = {}
    for key, prop in (schema.get("properties") or {}).items():
        if prop.get("readOnly"):
            continue
        if prop.get("type") == "integer":
            body[key] = HUGE[0]
        elif prop.get("type") == "array" and (prop.get("items") or {}).get("type") == "integer":
            body[key] = [HUGE[0]]
    return body


def test_documented_integer_inputs_refuse_huge_values_cleanly(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is reported with the others
    user = UserFactory()
    api = ApiClient(app, token_for(user))
    spec = api.get(f"{API_PREFIX}/openapi.json").get_json()
    failures = []
    tried = 0
    for path, item in spec["paths"].items():
        concrete = re.sub(
            r"\{[^}]+\}", "1", f"{API_PREFIX}{path}" if not path.startswith(API_PREFIX) else path
        )
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for param in operation.get("parameters", []):
                if (
                    param.get("in") == "query"
                    and (param.get("schema") or {}).get("type") == "integer"
                ):
                    tried += 1
                    response = api.request(method.upper(), f"{concrete}?{param['name']}={HUGE[0]}")
                    if response.status_code >= 500:
                        failures.append(
                            f"{method.upper()} {concrete}?{param['name']}: {response.status_code}"
                        )
            content = ((operation.get("requestBody") or {}).get("content") or {}).get(
                "application/json"
            )
            if content:
                body = _huge_for(content["schema"], spec)
                if body:
                    tried += 1
                    response = api.request(method.upper(), concrete, json=body)
                    if response.status_code >= 500:
                        failures.append(
                            f"{method.upper()} {concrete} {sorted(body)}: {response.status_code}"
                        )
    assert tried > 5
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_a_400(app: Flask, depth: int) -> None:
    api = ApiClient(app, token_for(UserFactory()))
    body = "[" * depth + "]" * depth
    response = api.post(f"{API_PREFIX}/conversations", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
