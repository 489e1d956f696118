"""Users of the platform's Cognito user pool, as modules with their own auth routes use them (the copilot's
register, login, refresh, logout and invitations: opsdesk.copilot.store.UserDirectory): created by the server with
their tenant in `custom:tenant_id` (which no user can write: opsdesk.identity), signed in with
USER_PASSWORD_AUTH, refreshed with REFRESH_TOKEN_AUTH, signed out by revoking the refresh token."""

from __future__ import annotations

import secrets
import string
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from opsdesk.errors import Conflict, DomainError, RateLimited, Unauthorized, ValidationFailed
from opsdesk.identity import TENANT_ATTRIBUTE

INVALID_CREDENTIALS = "Invalid email or password"
INVALID_REFRESH_TOKEN = "Invalid, expired or revoked refresh token"
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"


@dataclass(frozen=True)
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
