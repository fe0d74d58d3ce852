"""Property-based checks of the API against its own OpenAPI schema (schemathesis 4).

The app runs in pytest-django's live server on the throwaway test database (transactional: it is
emptied afterwards, and the reference registry is loaded again for whatever runs next). The schema
is read from the live server, and every operation is called with generated valid and invalid input:
as a staff user, so that the writes run too, and anonymously for the reads. Every response must:
not be a 500; have a status code the schema documents; have the documented content type, headers
and body; and refuse invalid input rather than ignore it.

Bounded and repeatable: a fixed seed, derandomised Hypothesis, eight examples per operation. Each
test runs every operation as a subtest of one test, so the database is emptied once per test rather
than once per operation.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db(transaction=True)]

MAX_EXAMPLES = 8
SEED = 20220701
SCHEMA_PATH = "/api/schema/?format=json"

CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]

HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture(scope="module", autouse=True)
def reference_data_reloaded_afterwards(django_db_blocker):
    """The transactional tests below end by emptying the database: put the reference registry
    back for whatever runs next."""
    yield
    from delegations.reference import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # schemathesis 4.32's lazy loader reads and rewrites `item._nodeid`, which pytest 9.2 no longer
    # has (it became `_id`). Give it one to use; pytest's own node id is not touched.
    request.node._nodeid = request.node.nodeid


@pytest.fixture
def registry(transactional_db):
    """The reference registry, present even if an earlier transactional test emptied the database."""
    from delegations.reference import load_reference_data

    load_reference_data()


@pytest.fixture
def staff_token(registry, staff_user):
    from ics_registry.tokens import token_issue

    _, raw = token_issue(user=staff_user, name="schemathesis")
    return raw


@pytest.fixture
def api_schema(live_server, registry):
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "base-url": live_server.url,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                # The tests send the token; random Authorization headers are not what is tested.
                "with-security-parameters": False,
                "database": "none",
            },
        }
    )
    return schemathesis.openapi.from_url(f"{live_server.url}{SCHEMA_PATH}", config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@HYPOTHESIS
def test_api_as_staff(case, live_server, staff_token):
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Token {staff_token}"}, checks=CHECKS
    )


@schema.include(method="GET").parametrize()
@HYPOTHESIS
def test_api_reads_anonymously(case, live_server):
    case.call_and_validate(base_url=live_server.url, checks=CHECKS)
