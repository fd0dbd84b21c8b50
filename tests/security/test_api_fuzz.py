"""Schemathesis against /api/v1/openapi.json: no 500, answers match the documented schemas.

Bounded for CI: a few generated requests per operation (``JAM3IA_FUZZ_EXAMPLES`` raises it).
Every operation is fuzzed as a signed-in user; failures of all operations are reported together.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from app.api import API_PREFIX
from tests.conftest import token_for
from tests.factories import UserFactory
from tests.support.auth import bearer

EXAMPLES = int(os.environ.get("JAM3IA_FUZZ_EXAMPLES", "8"))


@pytest.fixture
def config(config):
    return config.with_changes(ratelimit_enabled=False)  # the fuzzer sends a lot


def test_api_never_fails_and_matches_its_schema(app):
    schema = schemathesis.openapi.from_wsgi(f"{API_PREFIX}/openapi.json", app)
    headers = bearer(token_for(UserFactory()))
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers=headers,
                checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
            )

        try:
            run()
        except Exception as exc:  # collected: every operation gets its turn
            # a group (Hypothesis' "unreliable results") names its causes only inside
            causes = [str(exc), *(repr(sub) for sub in getattr(exc, "exceptions", ()))]
            failures[f"{operation.method.upper()} {operation.path}"] = "\n".join(causes)[:3000]
    assert operations > 5
    assert not failures, "\n\n".join(f"{name}\n{text}" for name, text in failures.items())
