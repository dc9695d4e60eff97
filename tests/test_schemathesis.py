"""Schemathesis over the OpenAPI description (REST and TAXII): no request makes the hub answer 5xx.

Every operation is fuzzed with data that fits the description and data that does not, as a member
analyst and as an operator, with a bounded number of examples (LIONROCK_SCHEMATHESIS_EXAMPLES) so the
run stays within a few minutes on two cores. Failures are collected across operations, so one run
lists every 5xx at once.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from lionrock.app import create_app
from lionrock.hub import directory
from lionrock.hub.collections import collections_for
from lionrock.taxii.media import TAXII_MEDIA
from tests.conftest import World

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("LIONROCK_SCHEMATHESIS_EXAMPLES", "25"))
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def _fuzz(operation: Any, mode: GenerationMode, token: str, keep: set[object], fixed: dict[str, Any]) -> None:
    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
    def run(case: Any) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        if case.path.startswith("/taxii2"):
            headers["Accept"] = TAXII_MEDIA
        if case.path == "/api/v1/tokens/{token_id}" and case.path_parameters.get("token_id") in keep:
            case.path_parameters = {"token_id": 10**6}  # keep the tokens this test authenticates with
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error], headers=headers)

    run()


def _variants(operation: Any, collection_id: str) -> list[dict[str, Any]]:
    """Random path parameters; and for TAXII collection routes, a real collection too, so that the
    filters and paging parameters reach the query instead of stopping at 'no such collection'."""
    if "{collection_id}" in operation.path:
        return [{}, {"collection_id": collection_id}]
    return [{}]


def test_no_request_is_a_server_error(world: World) -> None:
    api = schemathesis.openapi.from_asgi("/openapi.json", create_app(world.hub.settings, world.hub))
    keep = {t.id for t in directory.tokens(world.hub, world.principals["ops"])}
    community = collections_for(world.hub, world.principals["bank-a"])[0].id
    failures: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 20
    for caller in ("bank-a", "ops"):
        for operation, fixed in ((o, f) for o in operations for f in _variants(o, community)):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _fuzz(operation, mode, world.tokens[caller], keep, fixed)
                except Unsatisfiable:  # no data that breaks the description (an operation with no inputs)
                    continue
                except Exception as exc:  # one line per operation that failed, then the next one
                    first = str(exc).strip().splitlines()[:6]
                    failures.append(f"{caller} {operation.label} ({mode.value}): {' | '.join(first)}")
    if failures:
        pytest.fail(f"{len(failures)} operation(s) answered 5xx:\n" + "\n".join(failures), pytrace=False)
