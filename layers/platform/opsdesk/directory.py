"""Users of the platform's Cognito user pool, as modules with their own auth routes use them (the copilot's
register, login, refresh, logout and invitations: opsdesk.copilot.store.UserDirectory): created by the server with
their tenant in `custom:tenant_id` (which no user can write: opsdesk.identity), signed in with
USER_PASSWORD_AUTH, refreshed with REFRESH_TOKEN_AUTH, signed out by revoking the refresh token. And whether an id
names a user of a tenant (CognitoTenantUsers: the helpdesk's assignees and watchers)."""

from __future__ import annotations

import logging
import re
import secrets
import string
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, Protocol

from opsdesk.awsclients import LazyClient
from opsdesk.errors import Conflict, DomainError, RateLimited, ServiceUnavailable, Unauthorized, ValidationFailed
from opsdesk.frozen import frozen
from opsdesk.identity import TENANT_ATTRIBUTE

# Plain logging: the module is domain-side (no Powertools import cost).
logger = logging.getLogger(__name__)

INVALID_CREDENTIALS = "Invalid email or password"
INVALID_REFRESH_TOKEN = "Invalid, expired or revoked refresh token"
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"


@frozen
class Tokens:
    id_token: str
    refresh_token: str | None
    expires_in: int
REFUSED_SIGN_IN = {"NotAuthorizedException", "UserNotFoundException", "UserNotConfirmedException",
                   "PasswordResetRequiredException"}
THROTTLED = {"TooManyRequestsException", "LimitExceededException"}


class CognitoDirectory:
    def __init__(self, cognito: Any, user_pool_id: str, client_id: str) -> None:
        self._cognito = cognito
        self._pool = user_pool_id
        self._client = client_id

    @classmethod
    def from_settings(cls, region: str, endpoint_url: str | None, user_pool_id: str,
                      client_id: str) -> CognitoDirectory:
        import boto3  # noqa: PLC0415 - made on the first auth request, not at cold start

        return cls(boto3.client("cognito-idp", region_name=region, endpoint_url=endpoint_url), user_pool_id,
                   client_id)

    def create_user(self, email: str, password: str, full_name: str, tenant_id: str) -> str:
        sub = self._admin_create(email, full_name, tenant_id)
        try:
            self._call("admin_set_user_password", UserPoolId=self._pool, Username=email, Password=password,
                       Permanent=True)
        except BaseException:
            self.delete_user(email)
            raise
        return sub

    def invite_user(self, email: str, full_name: str, tenant_id: str) -> tuple[str, str]:
        temporary = _temporary_password()
        sub = self._admin_create(email, full_name, tenant_id, temporary_password=temporary)
        return sub, temporary

    def delete_user(self, email: str) -> None:
        with suppress(DomainError):  # already gone (or never made): nothing to undo
            self._call("admin_delete_user", UserPoolId=self._pool, Username=email)

    def sign_in(self, email: str, password: str, new_password: str | None = None) -> Tokens:
        result = self._call("initiate_auth", ClientId=self._client, AuthFlow="USER_PASSWORD_AUTH",
                            AuthParameters={"USERNAME": email, "PASSWORD": password}, sign_in=True)
        if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            if not new_password:
                raise Unauthorized("Choose a password: sign in with new_password (the invitation's password is "
                                   "temporary)", code=NEW_PASSWORD_REQUIRED)
            result = self._call("respond_to_auth_challenge", ClientId=self._client,
                                ChallengeName="NEW_PASSWORD_REQUIRED", Session=result.get("Session"),
                                ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password}, sign_in=True)
        return _tokens(result)

    def refresh(self, refresh_token: str) -> Tokens:
        try:
            result = self._call("initiate_auth", ClientId=self._client, AuthFlow="REFRESH_TOKEN_AUTH",
                                AuthParameters={"REFRESH_TOKEN": refresh_token}, sign_in=True)
        except Unauthorized as exc:  # no email or password was sent: say what was refused
            raise Unauthorized(INVALID_REFRESH_TOKEN) from exc
        tokens = _tokens(result)
        return Tokens(tokens.id_token, tokens.refresh_token or refresh_token, tokens.expires_in)

    def revoke(self, refresh_token: str) -> None:
        with suppress(Unauthorized):  # an unknown or already revoked token: signed out either way
            self._call("revoke_token", Token=refresh_token, ClientId=self._client)

    def _admin_create(self, email: str, full_name: str, tenant_id: str,
                      temporary_password: str | None = None) -> str:
        extra: dict[str, Any] = {"TemporaryPassword": temporary_password} if temporary_password else {}
        result = self._call("admin_create_user", UserPoolId=self._pool, Username=email, MessageAction="SUPPRESS",
                            UserAttributes=[{"Name": "email", "Value": email},
                                            {"Name": "email_verified", "Value": "true"},
                                            {"Name": "name", "Value": full_name},
                                            {"Name": f"custom:{TENANT_ATTRIBUTE}", "Value": tenant_id}], **extra)
        attributes = {a["Name"]: a["Value"] for a in result["User"].get("Attributes", [])}
        return str(attributes.get("sub") or result["User"]["Username"])

    def _call(self, operation: str, *, sign_in: bool = False, **kwargs: Any) -> Any:
        from botocore.exceptions import ClientError  # noqa: PLC0415 - loaded with boto3 already

        try:
            return getattr(self._cognito, operation)(**kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = error.get("Code", ""), error.get("Message", "")
            if code == "UsernameExistsException":
                raise Conflict("Email already registered") from exc
            if code == "InvalidPasswordException":
                raise ValidationFailed.on_field("password", _password_message(message)) from exc
            if code in THROTTLED:
                raise RateLimited("Too many sign-in attempts; retry shortly", headers={"Retry-After": "1"}) from exc
            if sign_in and code in REFUSED_SIGN_IN:
                raise Unauthorized(INVALID_CREDENTIALS) from exc
            if code in {"UserNotFoundException", "NotAuthorizedException"}:
                raise Unauthorized(INVALID_CREDENTIALS) from exc
            raise DomainError() from exc


class TenantUsers(Protocol):
    def is_member(self, tenant_id: str, user_id: str) -> bool:
        """Whether `user_id` is the id (`sub`) of an enabled user of `tenant_id`."""
        ...


COGNITO_SUB = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A Cognito `sub` as the pool writes it; anything else names no user (and never reaches a ListUsers filter, whose
quotes it could break)."""
MEMBER_SECONDS = 300.0
"""How long an instance remembers that an id is a member: a user removed or moved is refused within five minutes,
and assigning the same people again costs no lookup. Ids that are not members are looked up every time (ListUsers
is eventually consistent, so a user created seconds ago may not be found at once; the next try finds them)."""
TRANSIENT_CODES = THROTTLED | {"InternalErrorException"}
"""Cognito errors that a retry a moment later gets past: a 503 with Retry-After. Any other error (a wrong pool, a
missing grant) is a fault of the deployment, and stays a 500 with its traceback in the log."""
RETRY_AFTER = {"Retry-After": "1"}


class CognitoTenantUsers:
    """Looks a user up by `sub` (ListUsers filtered on `sub`, which the pool indexes: one user at most) and reads
    its tenant attribute. The boto3 client is made by the first lookup."""

    def __init__(self, user_pool_id: str, *, region: str, endpoint_url: str | None = None, cognito: Any = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._pool = user_pool_id
        # Well inside API Gateway's 29 s: a hung directory is a 503 to retry, not a gateway timeout.
        self._cognito = LazyClient("cognito-idp", region=region, endpoint_url=endpoint_url, client=cognito,
                                   connect_timeout=2, read_timeout=3, retries={"max_attempts": 2, "mode": "standard"})
        self._clock = clock
        self._members: dict[tuple[str, str], float] = {}

    def is_member(self, tenant_id: str, user_id: str) -> bool:
        if not COGNITO_SUB.fullmatch(user_id):
            return False
        key = (tenant_id, user_id)
        remembered = self._members.get(key)
        if remembered is not None:
            if self._clock() - remembered < MEMBER_SECONDS:
                return True
            self._members.pop(key, None)
        member = self._tenant_of(user_id) == tenant_id
        if member:
            self._members[key] = self._clock()
        return member

    def _tenant_of(self, sub: str) -> str | None:
        from botocore.exceptions import ClientError, ConnectionError, HTTPClientError  # noqa: PLC0415 - with boto3

        try:
            found = self._cognito().list_users(UserPoolId=self._pool, Filter=f'sub = "{sub}"', Limit=1)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in TRANSIENT_CODES:
                logger.warning("user lookup refused by Cognito (%s); answered 503", code)
                raise ServiceUnavailable("The user directory is busy; retry shortly", headers=RETRY_AFTER) from exc
            raise
        except (ConnectionError, HTTPClientError) as exc:  # unreachable or timed out; not a configuration fault
            logger.warning("user lookup could not reach Cognito (%s); answered 503", type(exc).__name__)
            raise ServiceUnavailable("The user directory could not be reached; retry shortly",
                                     headers=RETRY_AFTER) from exc
        for user in found.get("Users", []):
            attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            if user.get("Enabled") is True and attributes.get("sub") == sub:
                return attributes.get(f"custom:{TENANT_ATTRIBUTE}")
        return None


def _tokens(result: dict[str, Any]) -> Tokens:
    tokens = result.get("AuthenticationResult") or {}
    if "IdToken" not in tokens:
        raise Unauthorized("Sign-in needs a step this endpoint cannot complete")
    return Tokens(str(tokens["IdToken"]), tokens.get("RefreshToken"), int(tokens.get("ExpiresIn", 3600)))


def _password_message(cognito_message: str) -> str:
    reason = cognito_message.partition(":")[2].strip() or cognito_message
    return f"Password does not meet the policy: {reason}" if reason else "Password does not meet the policy"


def _temporary_password() -> str:
    """Meets any policy the pool may have: letters of both cases, digits and a symbol."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16)) + "aA1!"
