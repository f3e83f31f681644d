"""
The live API fuzzed from its own OpenAPI schema (schemathesis): for every
operation, generated requests, valid and invalid, and every answer checked
against the schema. No 500, no answer the schema does not declare.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.stack.phone import Phone
from tests.stack.shopper import Shopper

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def fuzzing_phone(api_stack, api_products):
    """A phone with an account of its own on the stack, whose login the fuzzer may end (logout) and start again."""
    username, password = "fuzzer", "sturdy-kettle-93"
    Shopper(api_stack).register(username, password)
    phone = Phone(api_stack)
    phone.credentials = (username, password)
    return phone


@pytest.fixture(scope="module")
def api_schema(api_stack):
    return schemathesis.openapi.from_url(
        f"{api_stack.url}/api/v1/openapi.json", verify=str(api_stack.tls_cert)
    )


def test_no_request_gets_a_server_error_or_an_undeclared_answer(api_schema, fuzzing_phone):
    phone = fuzzing_phone
    failures = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case):
            # A fuzzed logout or revoke ended the login, or its 3-second access token expired.
            if phone.call("GET", "me").status_code != 200:
                phone.log_in(*phone.credentials)
            case.call_and_validate(
                # Not "a request the schema allows is accepted": a well-formed
                # request can be refused for what it says (a wrong password is
                # 400 invalid_grant, as RFC 6749 §5.2 has it).
                excluded_checks=[positive_data_acceptance],
                session=phone.http,
                headers={"Authorization": f"Bearer {phone.access_token}"},
                verify=phone.http.verify,
                timeout=10,
            )

        try:
            fuzz()
        except (
            AssertionError,
            FailureGroup,
        ) as failure:  # what schemathesis found, after Hypothesis shrank it
            failures[operation.label] = str(failure)[:3000]

    assert failures == {}, "\n\n".join(f"{label}: {failure}" for label, failure in failures.items())
