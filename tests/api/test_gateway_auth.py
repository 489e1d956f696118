"""The local gateway refuses what API Gateway's Cognito authorizer refuses, before any handler runs."""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path

import jwt
import pytest
import requests
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")

ALICE = "alice@acme.test"
OTHER_POOL_ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_otherpool"


def moto_signing_key() -> tuple[dict[str, str], str]:
    """The private key moto signs every pool's tokens with (it ships in the package), and its key id."""
    import moto.cognitoidp

    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    key = json.loads(gzip.decompress(path.read_bytes()))
    return key, key.get("kid", "dummy")


def reissued(token: str, **changes: object) -> str:
    """The same claims, changed and signed again with moto's real key: valid signature, bad content."""
    claims = jwt.decode(token, options={"verify_signature": False}) | changes
    key, kid = moto_signing_key()
    private = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key))
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})  # type: ignore[arg-type]


def status_with(stack: RunningStack, authorization: str | None) -> requests.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return requests.get(f"{stack.support}/customers", headers=headers, timeout=10)


def test_a_valid_id_token_is_accepted_bare_or_as_bearer(stack: RunningStack) -> None:
    token = stack.sign_in(ALICE)["id"]

    assert status_with(stack, f"Bearer {token}").status_code == 200
    assert status_with(stack, token).status_code == 200


def test_a_token_reissued_with_moto_key_and_unchanged_claims_is_accepted(stack: RunningStack) -> None:
    # Guards the negative tests below: a re-signed token is only refused for what was changed.
    assert status_with(stack, f"Bearer {reissued(stack.sign_in(ALICE)['id'])}").status_code == 200


@pytest.mark.parametrize(
    "make_authorization",
    [
        pytest.param(lambda s: None, id="missing"),
        pytest.param(lambda s: "Bearer not-a-jwt", id="garbage"),
        pytest.param(lambda s: f"Bearer {s.sign_in(ALICE)['access']}", id="access-token"),
        pytest.param(lambda s: f"Bearer {reissued(s.sign_in(ALICE)['id'], exp=int(time.time()) - 60)}", id="expired"),
        pytest.param(lambda s: f"Bearer {reissued(s.sign_in(ALICE)['id'], iss=OTHER_POOL_ISSUER)}", id="wrong-issuer"),
        pytest.param(lambda s: f"Bearer {reissued(s.sign_in(ALICE)['id'], aud='another-client')}", id="wrong-audience"),
    ],
)
def test_the_gateway_refuses_with_401_in_the_support_envelope(stack: RunningStack, make_authorization: object) -> None:
    reply = status_with(stack, make_authorization(stack))  # type: ignore[operator]

    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "UNAUTHORIZED"


def test_a_token_signed_by_another_key_is_refused(stack: RunningStack) -> None:
    claims = jwt.decode(stack.sign_in(ALICE)["id"], options={"verify_signature": False})
    _, kid = moto_signing_key()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, stranger.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()),
                        algorithm="RS256", headers={"kid": kid})

    assert status_with(stack, f"Bearer {forged}").status_code == 401


def test_a_token_with_a_tampered_payload_is_refused(stack: RunningStack) -> None:
    header, payload, signature = stack.sign_in(ALICE)["id"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["custom:tenant_id"] = "someone-else"
    tampered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    assert status_with(stack, f"Bearer {header}.{tampered}.{signature}").status_code == 401


def test_a_token_of_another_app_client_of_the_pool_is_refused(stack: RunningStack) -> None:
    cognito = stack.cognito()
    other = cognito.create_user_pool_client(UserPoolId=stack.info["user_pool_id"], ClientName="other-app",
                                            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]

    token = stack.sign_in(ALICE, client_id=other["ClientId"])["id"]

    assert status_with(stack, f"Bearer {token}").status_code == 401


def test_a_cors_preflight_needs_no_token_and_allows_only_listed_origins(stack: RunningStack) -> None:
    def preflight(origin: str) -> requests.Response:
        return requests.options(f"{stack.support}/issues", timeout=10,
                                headers={"Origin": origin, "Access-Control-Request-Method": "POST"})

    allowed, other = preflight("http://localhost:3001"), preflight("https://evil.example")

    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3001"
    assert "Authorization" in allowed.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in other.headers


def test_a_user_cannot_write_their_own_tenant_attribute(stack: RunningStack) -> None:
    access_token = stack.sign_in("bob@acme.test")["access"]

    with pytest.raises(ClientError) as refused:
        stack.cognito().update_user_attributes(
            AccessToken=access_token, UserAttributes=[{"Name": "custom:tenant_id", "Value": "someone-else"}]
        )

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    claims = jwt.decode(stack.sign_in("bob@acme.test")["id"], options={"verify_signature": False})
    assert claims["custom:tenant_id"] == next(u["tenant_id"] for u in stack.info["users"]
                                              if u["username"] == "bob@acme.test")
