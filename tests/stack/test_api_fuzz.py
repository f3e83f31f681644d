"""
The live API fuzzed from its own OpenAPI schema with schemathesis, on a
stack of its own (api_stack), driven through Hypothesis directly (its pytest
plugin is not loaded). Every check schemathesis has is run (CHECKS_RUN),
two of them narrowed: a well-formed request may be refused, and a wrong one
taken, where a standard says so and only there (REFUSALS, each with its
RFC). docs/api.md, "The schema, the fuzzer, the figures", says what runs
and why.

- Each operation alone: schemathesis' coverage phase (boundary values,
  missing and wrong parameters, the methods a path does not have, other
  media types) and generated requests, valid and invalid.
- Sequences (schemathesis' stateful phase, schema.as_state_machine()):
  operations chained by the links of the schema, from the responses they
  follow. The schema declares none; schemathesis infers some (a product's
  or an order's id), and LINKS adds the ones an app follows (log in,
  refresh, revoke; add to the cart, check out, retry it; the next page).
"""

import json
import os
import time

import jsonschema_rs
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from hypothesis.stateful import Bundle
from schemathesis.checks import CHECKS, load_all_checks, max_response_time, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.engine.errors import is_inconsistent_replay
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.generation.meta import TestPhase
from schemathesis.generation.stateful.state_machine import StepInput
from schemathesis.specs.openapi import checks as openapi
from schemathesis.specs.openapi.adapter.security import declares_security
from schemathesis.specs.openapi.stateful import transition
from schemathesis.wfc.escalation import EscalatingAuthProvider

from tests.stack.phone import Phone
from tests.stack.shopper import Shopper

pytestmark = pytest.mark.stack

ACCESS_TOKEN_LIFETIME = 10  # api_stack's API_ACCESS_TOKEN_LIFETIME, in seconds
PASSWORD = "sturdy-kettle-93"
ADDRESS = {
    "full_name": "Fuzz Er",
    "address": "1 Test Rig",
    "city": "Leeds",
    "postal_code": "LS1",
    "country": "UK",
}

# How much: the whole file in about a minute and a half on two cores, as
# make test runs it (which must end within 15 minutes); more for a deeper
# run, e.g. FUZZ_EXAMPLES=500 FUZZ_SEQUENCES=1000 FUZZ_SECONDS=600.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "60"))  # generated, beside the coverage phase's
SEQUENCES = int(os.environ.get("FUZZ_SEQUENCES", "120"))
STEPS_PER_SEQUENCE = 10
STATEFUL_SECONDS = int(os.environ.get("FUZZ_SECONDS", "45"))  # at most: the sequences left then are not tried

# --- The checks -------------------------------------------------------------

load_all_checks()

OAUTH_ERRORS = {  # RFC 6749 §5.2
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
}


def _json(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _oauth_error(response, case) -> bool:
    return _json(response).get("error") in OAUTH_ERRORS


def _reused_idempotency_key(response, case) -> bool:
    return _json(response).get("code") == "idempotency_key_reused"


def _field_errors(response) -> list[dict]:
    problem = _json(response)
    return (problem.get("errors") or [{}]) if problem.get("code") == "invalid_fields" else [{}]


def _only_the_cursor_refused(response, case) -> bool:
    return all(error.get("loc") == ["query", "cursor"] for error in _field_errors(response))


def _only_integral_floats_refused(response, case) -> bool:
    """Every field refused is an integer the body wrote as a float, 35.0."""

    def sent(loc):
        value = case.body
        for key in loc[2:]:  # after "body" and the parameter's name
            if isinstance(value, dict):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return None
        return value

    return all(
        error.get("type") == "int_type"
        and error.get("loc", [""])[0] == "body"
        and _integral_float(sent(error["loc"]))
        for error in _field_errors(response)
    )


def _integral_float(value) -> bool:
    return isinstance(value, float) and value.is_integer()


# Where a request the schema allows is refused, and rightly: (operation,
# status) -> what the answer must say for the refusal to be that one. Any
# other refusal of a well-formed request fails positive_data_acceptance.
# (Its own defaults already take a 401, RFC 9470's
# insufficient_user_authentication among them, a 404 for an id that names
# nothing, a 409 and a 429.)
REFUSALS = {
    # RFC 6749 §5.2: the token endpoint refuses a request for what it says,
    # not only for its shape: a wrong password or a refresh token that is
    # no live one (invalid_grant), an unknown client_id (invalid_client),
    # a grant's parameter left out, which the schema's one body for both
    # grants cannot require (invalid_request). auth/refresh is that endpoint.
    ("POST /api/v1/auth/token", 400): _oauth_error,
    ("POST /api/v1/auth/refresh", 400): _oauth_error,
    # RFC 7009 §2.2.1: the revocation endpoint's errors are RFC 6749 §5.2's
    # (an unknown client_id); an unknown token is its 200 (§2.2).
    ("POST /api/v1/auth/revoke", 400): _oauth_error,
    # draft-ietf-httpapi-idempotency-key-header, "Error Scenarios" (not yet
    # an RFC): a key sent before with another body is a 422; Hypothesis
    # repeats its keys.
    ("POST /api/v1/cart/items", 422): _reused_idempotency_key,
    ("POST /api/v1/checkout", 422): _reused_idempotency_key,
    # A cursor is the API's to make (signed, docs/api.md "Pages"): a
    # made-up one is a 400 naming `cursor`. No standard; the schema cannot
    # say which strings the server signed.
    ("GET /api/v1/products", 400): _only_the_cursor_refused,
    ("GET /api/v1/orders", 400): _only_the_cursor_refused,
}
# An integer is an integer (docs/api.md): a body's 35.0 is a 400 naming the
# field, where JSON Schema (2020-12 Validation §6.1.1: "integer" matches
# any number with a zero fractional part) takes it for the schema's
# integer, and schemathesis sends it as one. No schema can say otherwise.
INTEGER_BODIES = {
    "POST /api/v1/cart/items",
    "PUT /api/v1/cart/items/{product_id}",
}


def positive_data_acceptance_but_where_a_standard_refuses(ctx, response, case):
    """schemathesis' positive_data_acceptance, but for REFUSALS and INTEGER_BODIES."""
    try:
        return openapi.positive_data_acceptance(ctx, response, case)
    except Failure:
        refusal = REFUSALS.get((case.operation.label, response.status_code))
        if refusal is not None and refusal(response, case):
            return None
        if (
            case.operation.label in INTEGER_BODIES
            and response.status_code == 400
            and _only_integral_floats_refused(response, case)
        ):
            return None
        raise


_HINTS = {"access_token", "refresh_token"}


def negative_data_rejection_but_where_a_standard_accepts(ctx, response, case):
    """
    schemathesis' negative_data_rejection, but for a revocation whose only
    wrong part is its token_type_hint: RFC 7009 §2.1 has the server search
    every kind of token when it cannot use the hint (and may ignore it;
    hints are a registry of their own, §4.1, which may grow), so it is no
    reason to refuse.
    """
    try:
        return openapi.negative_data_rejection(ctx, response, case)
    except Failure:
        body = case.body if isinstance(case.body, dict) else {}
        if (
            case.operation.label == "POST /api/v1/auth/revoke"
            and response.status_code == 200
            and "token_type_hint" in body
            and body["token_type_hint"] not in _HINTS
            and _revocation_is_valid({**body, "token_type_hint": "refresh_token"}, case)
        ):
            return None
        raise


def _revocation_is_valid(body: dict, case) -> bool:
    content = case.operation.definition.raw["requestBody"]["content"]
    return jsonschema_rs.validator_for(content[case.media_type]["schema"]).is_valid(body)


# Every check schemathesis has: its registry's, and max_response_time,
# which its config turns on (a limit of 5 s here). Those of the coverage
# phase (missing_required_header, unsupported_method,
# allow_header_conformance) judge its requests only; those of the stateful
# phase (use_after_free, ensure_resource_availability,
# object_level_authorization: another account, PEER, must not read what
# the fuzzer's account made) its sequences only.
CHECKS_RUN = [
    not_a_server_error,
    openapi.status_code_conformance,
    openapi.content_type_conformance,
    openapi.response_headers_conformance,
    openapi.response_schema_conformance,
    negative_data_rejection_but_where_a_standard_accepts,
    positive_data_acceptance_but_where_a_standard_refuses,
    openapi.missing_required_header,
    openapi.unsupported_method,
    openapi.allow_header_conformance,
    openapi.use_after_free,
    openapi.ensure_resource_availability,
    openapi.ignored_auth,
    openapi.object_level_authorization,
    max_response_time,
]
NARROWED = {
    "positive_data_acceptance": positive_data_acceptance_but_where_a_standard_refuses,
    "negative_data_rejection": negative_data_rejection_but_where_a_standard_accepts,
}


def test_every_check_schemathesis_has_is_run():
    """A check a new schemathesis adds fails here until it is run, or excluded with its reason."""
    known = {check.__name__ for check in CHECKS.get_all() if not isinstance(check, type)} | {
        "max_response_time"
    }
    run = {check.__name__ for check in CHECKS_RUN if check not in NARROWED.values()}
    assert known == run | set(NARROWED)


# --- The links --------------------------------------------------------------


def _link(operation_id: str, *, parameters: dict | None = None, body=None) -> dict:
    link = {"operationId": f"api_endpoints_{operation_id}"}
    if parameters:
        link["parameters"] = parameters
    if body is not None:
        link["requestBody"] = body
    return link


# Merged into a generated body (a link's body replacing the whole of one
# cannot say which of the two media types it is): the parameters a grant
# needs, over whatever was generated; the shop's own app (RFC 6749 §3.2:
# parameters of other grants are ignored).
_APP = "shop-mobile"
_ROTATE = {
    "Refresh": _link(
        "auth_refresh",
        body={
            "grant_type": "refresh_token",
            "refresh_token": "$response.body#/refresh_token",
            "client_id": _APP,
        },
    ),
    "RevokeRefreshToken": _link(
        "auth_revoke", body={"token": "$response.body#/refresh_token", "client_id": _APP}
    ),
    "RevokeAccessToken": _link(
        "auth_revoke", body={"token": "$response.body#/access_token", "client_id": _APP}
    ),
}
_AFTER_ADDING = {
    "ReadCart": _link("shop_cart"),
    "CheckOut": _link("shop_checkout"),
    "RemoveIt": _link("shop_remove_from_cart", parameters={"path.product_id": "$request.body#/product"}),
    "SetItsQuantity": _link("shop_set_quantity", parameters={"path.product_id": "$request.body#/product"}),
}
_RETRY_CHECKOUT = _link(
    "shop_checkout",
    parameters={"header.Idempotency-Key": "$request.header.Idempotency-Key"},
    body="$request.body",
)
# What an app follows from an answer to the next request, added to the
# schema's copy here: (path, method, status) -> links (OpenAPI 3.1 §4.8.20).
# They belong in the schema itself (ninja's openapi_extra on the operations
# of api/endpoints/), where clients would see them too.
LINKS = {
    ("/api/v1/auth/token", "post", "200"): _ROTATE,
    ("/api/v1/auth/refresh", "post", "200"): _ROTATE,
    ("/api/v1/products", "get", "200"): {
        "AddToCart": _link("shop_add_to_cart", body={"product": "$response.body#/items/0/id"}),
        "NextPage": _link(
            "shop_products",
            parameters={
                "query.cursor": "$response.body#/next_cursor",
                "query.q": "$request.query.q",
                "query.category": "$request.query.category",
                "query.limit": "$request.query.limit",
            },
        ),
    },
    ("/api/v1/cart/items", "post", "201"): _AFTER_ADDING,
    ("/api/v1/cart/items", "post", "200"): _AFTER_ADDING,
    ("/api/v1/cart/items/{product_id}", "put", "200"): {"CheckOut": _link("shop_checkout")},
    ("/api/v1/checkout", "post", "201"): {"Retry": _RETRY_CHECKOUT, "ReadOrders": _link("shop_orders")},
    ("/api/v1/orders", "get", "200"): {
        "NextPage": _link(
            "shop_orders",
            parameters={"query.cursor": "$response.body#/next_cursor", "query.limit": "$request.query.limit"},
        ),
    },
}


# --- Who sends the requests ---------------------------------------------------


class Login:
    """
    One account's API login, as a schemathesis auth provider (get, set): the
    Bearer token of every request to an operation that needs one. Its phone
    logs in from an address of its own, so that the fuzzer's failed logins
    (counted per address) never throttle it. A login the fuzzer ended
    (logout, logout-all, a 401), or whose requests it used up (429), is
    replaced by a new one, with a password just typed (as step-up, RFC 9470,
    asks); a token near its end is refreshed first.
    """

    def __init__(self, stack, username: str):
        self.phone = Phone(stack)
        self.credentials = (username, PASSWORD)
        self.issued: set[str] = set()
        self.current: str | None = None
        self.since = 0.0
        self.ended = True
        self.handed_out = 0  # tokens handed to requests

    def header(self) -> str:
        self.handed_out += 1
        now = time.monotonic()
        if self.ended:
            self.phone.log_in(*self.credentials)
        elif now - self.since > ACCESS_TOKEN_LIFETIME - 4:
            if self.phone.refresh().status_code != 200:
                self.phone.log_in(*self.credentials)
        else:
            return self.current
        self.ended, self.since = False, now
        self.current = f"Bearer {self.phone.access_token}"
        self.issued.add(self.current)
        return self.current

    def get(self, case, context):
        return self.header() if declares_security(context.operation) else None

    def set(self, case, header, context):
        case.headers["Authorization"] = header

    def freshen(self, case) -> None:
        """A case made before (the coverage phase's are made first) may carry a token of a login ended since."""
        if case.headers and case.headers.get("Authorization") in self.issued:
            case.headers["Authorization"] = self.header()

    def saw(self, case, response) -> None:
        if case.headers.get("Authorization") != self.current:
            return
        ends = case.operation.path in ("/api/v1/auth/logout", "/api/v1/auth/logout-all")
        if response.status_code in (401, 429) or (ends and response.status_code < 300):
            self.ended = True


FUZZER, PEER = "fuzzer", "fuzzer-peer"
# Whose logins the sequences make, rotate and revoke: another account, so that they never end the
# fuzzer's own login (a user keeps MAX_SESSIONS_PER_USER logins; one more ends the oldest).
ROTATOR = "fuzzer-rotator"


@pytest.fixture(scope="module")
def fuzzer(api_stack, api_products):
    """The fuzzer's account, with an address saved (checking out to it is an operation too)."""
    for username in (FUZZER, PEER, ROTATOR):
        Shopper(api_stack).register(username, PASSWORD)
    login = Login(api_stack, FUZZER)
    login.header()  # logged in
    assert login.phone.call("PUT", "account/address", ADDRESS).status_code == 200
    return login


@pytest.fixture(scope="module")
def peer(fuzzer, api_stack):
    """Another account, whose requests object_level_authorization replays the fuzzer's reads as."""
    return Login(api_stack, PEER)


@pytest.fixture(scope="module")
def api_schema(api_stack, fuzzer, peer):
    """The live schema, with LINKS, and the fuzzer's login (the peer's for object_level_authorization)."""
    raw = Phone(api_stack).call("GET", "openapi.json").json()
    for (path, method, status), links in LINKS.items():
        raw["paths"][path][method]["responses"][status]["links"] = links
    config = SchemathesisConfig.from_dict(
        {
            "checks": {"max_response_time": 5.0},
            "phases": {"stateful": {"max-steps": STEPS_PER_SEQUENCE}},
            # Its tokens and Idempotency-Keys in its reports: the stack's, made for the test.
            "output": {"sanitization": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_dict(raw, config=config)
    schema.config.update(base_url=api_stack.url, tls_verify=str(api_stack.tls_cert))
    schema.auth.providers.append(
        EscalatingAuthProvider([fuzzer, peer], [FUZZER, PEER], peers=(FUZZER, PEER), pinned=FUZZER)
    )
    return schema


def _failure(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:4000]


# --- Each operation alone -------------------------------------------------------


# What schemathesis reports: a check's failure, several (a group), or a request that got no answer.
FOUND = (AssertionError, BaseExceptionGroup, requests.RequestException)


def test_no_request_gets_a_server_error_or_an_answer_the_schema_does_not_declare(
    api_schema, api_stack, fuzzer
):
    failures = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, api_schema, api_stack, fuzzer)
        except FOUND as error:  # what schemathesis found, after Hypothesis shrank it
            failures[operation.label] = _failure(error)

    assert failures == {}, "\n\n".join(f"{label}: {failure}" for label, failure in failures.items())


def _fuzz(operation, schema, stack, login) -> None:
    # An address of its own for each operation: its own budget of requests and of failed logins.
    session = Phone(stack).http
    transport = {"session": session, "verify": session.verify, "timeout": 10}

    def fuzz(case):
        login.freshen(case)
        response = case.call(**transport)
        login.saw(case, response)
        case.validate_response(response, checks=CHECKS_RUN, transport_kwargs=transport)

    create_test(
        operation=operation,
        test_func=fuzz,
        config=HypothesisTestConfig(
            project=schema.config,
            modes=[HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING],
            settings=settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            ),
        ),
    )()


# --- Sequences ------------------------------------------------------------------


def test_no_sequence_of_calls_gets_a_wrong_answer(api_schema, api_stack, fuzzer, peer):
    session = Phone(api_stack).http
    transport = {"session": session, "verify": session.verify, "timeout": 10}
    token = api_schema["/api/v1/auth/token"]["POST"]
    # Real logins, beside the generated token requests (whose passwords are
    # wrong): what a refresh or a revocation then follows.
    logging_in = st.one_of(
        token.as_strategy(
            body={"username": ROTATOR, "password": PASSWORD}, media_type=media_type, phase=TestPhase.STATEFUL
        )
        for media_type in ("application/x-www-form-urlencoded", "application/json")
    )
    seen = {"sequences": 0, "steps": 0, "links": {}, "restarts": 0}
    deadline = time.monotonic() + STATEFUL_SECONDS
    failures = {}

    class Workflow(api_schema.as_state_machine()):
        log_in = transition(
            name="log_in",
            target=Bundle("catch_all"),
            input=logging_in.map(StepInput.initial),
            precondition=lambda machine: True,
        )

        def setup(self):
            seen["sequences"] += 1

        def step(self, input):
            if time.monotonic() > deadline:
                return None  # out of time: the sequences left are not tried
            seen["steps"] += 1
            if input.transition is not None and input.is_applied:
                seen["links"][input.transition.id] = seen["links"].get(input.transition.id, 0) + 1
            return super().step(input)

        def before_call(self, case):
            fuzzer.freshen(case)

        def get_call_kwargs(self, case):
            return transport

        def after_call(self, response, case):
            super().after_call(response, case)
            fuzzer.saw(case, response)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                case.validate_response(
                    response, checks=CHECKS_RUN, transport_kwargs=kwargs, recorder=self.recorder
                )
            except FailureGroup as found:
                # Kept, with the steps that led to it, and the sequence goes on:
                # each failure once, not the first only.
                steps = [
                    f"{node.value.method} {node.value.formatted_path} -> "
                    f"{self.recorder.interactions[case_id].response.status_code}"
                    for case_id, node in self.recorder.cases.items()
                    if case_id in self.recorder.interactions and self.recorder.interactions[case_id].response
                ]
                key = f"{case.operation.label}: {', '.join(sorted({type(each).__name__ for each in found.exceptions}))}"
                failures.setdefault(key, f"after {steps}:\n{_failure(found)}")

    while seen["sequences"] < SEQUENCES and time.monotonic() < deadline:
        try:
            Workflow.run(
                settings=settings(
                    max_examples=SEQUENCES - seen["sequences"],
                    stateful_step_count=STEPS_PER_SEQUENCE,
                    deadline=None,
                    database=None,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
            )
        except (Flaky, AssertionError) as replay:
            if not isinstance(replay, Flaky) and not is_inconsistent_replay(replay):
                raise
            # The live API answered a sequence Hypothesis replays otherwise
            # than before (a product sold out, a login ended): not a failure of
            # the API's, as schemathesis' own runner has it; the rest of the
            # sequences in a run of their own.
            seen["restarts"] += 1
        else:
            break
    seen["replayed as the peer (object_level_authorization)"] = peer.handed_out
    print(f"\nstateful phase: {json.dumps(seen, indent=1, sort_keys=True)}")

    assert failures == {}, "\n\n".join(f"{key}: {failure}" for key, failure in failures.items())
