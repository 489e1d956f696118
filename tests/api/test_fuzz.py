"""Every operation of every module's OpenAPI document, fuzzed by schemathesis against the local stack: valid and
invalid requests generated from the document, sent signed in as a user of a tenant of its own (so the demo data the
other API tests read is never touched). Each answer must not be a 5xx, must have a status, content type and body
the document gives that operation (so every 4xx is in the module's own error envelope), and a request the document
calls invalid must be refused with a 4xx.

The generation is derandomized so a run is repeatable; OPSDESK_FUZZ_EXAMPLES (default FUZZ_EXAMPLES) sets the
examples per operation, and a larger number explores further (`OPSDESK_FUZZ_EXAMPLES=200 pytest
tests/api/test_fuzz.py`). Two generation choices, and why:
- undeclared query parameters and headers are not counted as invalid: the web ignores what it does not know (and
  unknown body fields are refused, which tests/api/test_protected_fields.py checks field by field);
- the Authorization header is not generated: tests/api/test_token_attacks.py attacks it on every route.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from opsdesk.apidocs import module_document
from opsdesk.apimap import COPILOT, MODULES
from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")

FUZZ_EXAMPLES = 5
"""Examples per operation in `make test`: about 600 requests over the five modules, two or three minutes."""
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
FRESH_IDENTITY_BELOW = 5
"""A fuzzing user whose rate-limit window has fewer requests left than this is replaced by a new one: the limits
are per user, and a fuzzer that only hears 429 tests nothing."""
PASSWORD = "Fuzz-test-2026!"
REQUEST_TIMEOUT = 30.0
STREAM_READ_SECONDS = 2.0
"""An open event stream (a GET) is read this long (schemathesis then checks the events that came): a stream stays
open until its client leaves, and the first events come at once (`retry:`, then what follows the resume id). The
wait for the answer's head counts too, so `warm_streams` imports each streaming function first; even so, the
helpdesk's stream once took over 1 s to answer under the full suite's load, hence 2 s. An answer streamed to a
POST (the chat) ends by itself and gets the whole REQUEST_TIMEOUT."""


def fuzzed(module_name: str) -> Any:
    module = next(m for m in MODULES if m.name == module_name)
    schema = schemathesis.openapi.from_dict(module_document(module))
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=int(os.environ.get("OPSDESK_FUZZ_EXAMPLES", FUZZ_EXAMPLES)),
        deterministic=True, with_security_parameters=False, allow_extra_parameters=False,
    )
    # An invalid request refused for its size (a body past 256 KiB, a URL past the gateway's quota) is refused
    # rightly too.
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413", "414"]
    return schema


@dataclass
class FuzzIdentity:
    """Who the fuzzer is in one module: a user of a tenant made for fuzzing, replaced when its rate limit runs low.
    Copilot users register through the copilot's own API (it signs its own tokens); the other modules take a
    Cognito ID token."""

    stack: RunningStack
    module: str
    tenant_id: str = field(default_factory=lambda: f"tenant-fuzz-{uuid.uuid4().hex[:12]}")
    headers: dict[str, str] = field(default_factory=dict)

    def renew(self) -> None:
        email = f"fuzz-{uuid.uuid4().hex[:12]}@fuzz.test"
        if self.module == COPILOT.name:
            self.headers = {"Authorization": f"Bearer {self._copilot_token(email)}"}
            return
        cognito = self.stack.cognito()
        pool = self.stack.info["user_pool_id"]
        cognito.admin_create_user(UserPoolId=pool, Username=email, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": email},
                                                  {"Name": "custom:tenant_id", "Value": self.tenant_id}])
        cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=PASSWORD, Permanent=True)
        for group in ("admin", "agent"):  # the widest roles: every route's own logic is reached
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=group)
        self.headers = {"Authorization": f"Bearer {self.stack.sign_in(email, PASSWORD)['id']}"}

    def _copilot_token(self, email: str) -> str:
        registered = requests.post(f"{self.stack.info['base_url']}{COPILOT.base_path}/auth/register", timeout=15,
                                   json={"email": email, "password": PASSWORD, "full_name": "Fuzz Tester",
                                         "tenant_name": "Fuzz"})
        assert registered.status_code == 200, registered.text
        return str(registered.json()["access_token"])

    def after(self, response: Any) -> None:
        remaining = response.headers.get("X-RateLimit-Remaining")
        if remaining is not None and int(remaining[0] if isinstance(remaining, list) else remaining) < \
                FRESH_IDENTITY_BELOW:
            self.renew()


@pytest.fixture(scope="module")
def identities(stack: RunningStack) -> dict[str, FuzzIdentity]:
    made = {module.name: FuzzIdentity(stack, module.name) for module in MODULES}
    for identity in made.values():
        identity.renew()
    return made


def streams_events(definition: dict[str, Any]) -> bool:
    return "text/event-stream" in definition["responses"].get("200", {}).get("content", {})


def timeout_for(operation: Any) -> float | tuple[float, float]:
    if streams_events(operation.definition.raw) and operation.method.upper() == "GET":
        return REQUEST_TIMEOUT, STREAM_READ_SECONDS
    return REQUEST_TIMEOUT


@pytest.fixture(scope="module")
def warm_streams(stack: RunningStack, identities: dict[str, FuzzIdentity]) -> None:
    """Opens every open event stream once, waiting as long as a request may, so the first fuzzed request of a
    streaming function does not spend its short read on that function's cold import (which a busy 2-core CI
    machine has stretched past a second)."""
    for module in MODULES:
        paths = cast(dict[str, dict[str, Any]], module_document(module)["paths"])
        for path, operations in paths.items():
            get = operations.get("get")
            if "{" in path or not isinstance(get, dict) or not streams_events(get):
                continue
            with requests.get(f"{stack.info['base_url']}{module.base_path}{path}", stream=True,
                              headers=identities[module.name].headers, timeout=REQUEST_TIMEOUT) as opened:
                assert opened.status_code == 200, (module.name, path, opened.status_code)


@schemathesis.pytest.parametrize(**{module.name: fuzzed(module.name) for module in MODULES})
@settings(deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
def test_every_operation_answers_as_its_document_says_to_valid_and_invalid_requests(
    case: Case, stack: RunningStack, identities: dict[str, FuzzIdentity], warm_streams: None,
) -> None:
    base_path = case.operation.schema.raw_schema["servers"][0]["url"]
    module = next(m.name for m in MODULES if m.base_path == base_path)
    identity = identities[module]
    response = case.call_and_validate(base_url=f"{stack.info['base_url']}{base_path}", headers=identity.headers,
                                      checks=CHECKS, timeout=timeout_for(case.operation))
    identity.after(response)
