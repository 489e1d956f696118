"""The copilot's auth routes (seeds/sre-copilot-api.md, Authentication): registration of a tenant and its first
user, sign-in with project and role, refresh, sign-out, the current user, switching project, and the WebSocket
token. Users live in the platform's Cognito user pool (opsdesk.copilot.store.UserDirectory); the copilot keeps
their tenant, projects and roles in its table.

A registration makes the tenant, the user (owner) and a first project, "Default", so the user can open incidents
at once: incidents belong to the current project."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from opsdesk.auth import Principal
from opsdesk.clock import utc_now
from opsdesk.copilot.records import Member, Project, Role, Tenant, User
from opsdesk.copilot.service import CopilotService
from opsdesk.copilot.store import CopilotStore, UserDirectory
from opsdesk.directory import INVALID_REFRESH_TOKEN, NEW_PASSWORD_REQUIRED, Tokens
from opsdesk.errors import Conflict, NotFound, RateLimited, Unauthorized
from opsdesk.frozen import frozen
from opsdesk.revocations import session_of
from opsdesk.wstokens import WsClaims, WsTokens

if TYPE_CHECKING:  # request bodies load pydantic, which the routes that validate one load (opsdesk.http)
    from opsdesk.copilot.requests import LoginRequest, RegisterRequest

FIRST_PROJECT_NAME = "Default"
INVALID_CREDENTIALS = "Invalid email or password"
MAX_SLUG_ATTEMPTS = 20


def slugify(name: str) -> str:
    """`Acme Corporation` -> `acme-corporation`: ASCII letters and digits joined by single dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:48].strip("-") or "tenant"


@frozen
class SignedIn:
    user: User
    tenant: Tenant | None
    tokens: Tokens
    projects: list[tuple[Project, Role]]


class FailureCounter(Protocol):
    """Counts sign-in attempts (opsdesk.ratelimit.RateLimiter's failure counters)."""

    def count_failure(self, key: str, window_seconds: int) -> int: ...
    def forgive(self, key: str, window_seconds: int) -> None: ...
    def window_end(self, window_seconds: int) -> float: ...


@frozen
class LoginThrottle:
    """Failed sign-ins per email and per source address in 15-minute windows: from `slow_after` failures each
    further attempt waits a little longer, past `refuse_after` the email (or address) is refused with 429 until
    the window ends. The limits are in docs/decisions.md.

    Every attempt is counted before the password is tried, and taken back when it succeeds: a count made after a
    failure let 60 attempts sent at once all reach Cognito, each having read the count before any had failed."""

    counter: FailureCounter
    sleep: Callable[[float], None]
    window_seconds: int = 900
    slow_after: int = 3
    refuse_after_email: int = 10
    refuse_after_address: int = 50
    step_seconds: float = 0.25
    max_delay_seconds: float = 2.0

    def before(self, email: str, address: str | None) -> None:
        """Count this attempt; refuse it past a limit, or slow it down after a few failures."""
        email_attempts = self.counter.count_failure(self._email_key(email), self.window_seconds)
        address_attempts = self.counter.count_failure(self._address_key(address), self.window_seconds) \
            if address else 0
        if email_attempts > self.refuse_after_email or address_attempts > self.refuse_after_address:
            import time  # noqa: PLC0415 - only a refused sign-in needs the clock

            retry = max(1, int(self.counter.window_end(self.window_seconds) - time.time()))
            raise RateLimited("Too many failed sign-ins; try again later", headers={"Retry-After": str(retry)})
        worst = max(email_attempts - 1, max(address_attempts - 1, 0) // 5)  # the failures before this attempt
        if worst >= self.slow_after:
            self.sleep(min(self.max_delay_seconds, self.step_seconds * (worst - self.slow_after + 1)))

    def no_failure(self, email: str, address: str | None) -> None:
        """This attempt was no wrong password (it succeeded, or the directory could not answer): take it back."""
        self.counter.forgive(self._email_key(email), self.window_seconds)
        if address:
            self.counter.forgive(self._address_key(address), self.window_seconds)

    @staticmethod
    def _email_key(email: str) -> str:
        return f"login-email#{email}"

    @staticmethod
    def _address_key(address: str | None) -> str:
        return f"login-ip#{address}"


class SignedOutSessions(Protocol):
    """Where a logout ends the session's ID tokens (opsdesk.revocations.SessionRevocations)."""

    def revoke(self, claims: Mapping[str, Any]) -> None: ...

    def is_revoked(self, claims: Mapping[str, Any]) -> bool: ...


class AccountService:
    def __init__(self, store: CopilotStore, directory: UserDirectory,
                 verify_id_token: Callable[[str], Mapping[str, Any]], *, ws_tokens: WsTokens | None = None,
                 throttle: LoginThrottle | None = None, revocations: SignedOutSessions | None = None) -> None:
        self._revocations = revocations
        self._store = store
        self._directory = directory
        self._verify = verify_id_token
        self._ws_tokens = ws_tokens
        self._throttle = throttle
        self._copilot = CopilotService(store)

    def register(self, request: RegisterRequest) -> SignedIn:
        now = utc_now()
        tenant_id = str(uuid.uuid4())
        user_id = self._directory.create_user(request.email, request.password, request.full_name, tenant_id)
        project = Project(id=str(uuid.uuid4()), tenant_id=tenant_id, name=FIRST_PROJECT_NAME,
                          description=f"First project of {request.tenant_name}", created_at=now, updated_at=now)
        user = User(user_id, tenant_id, request.email, request.full_name, project.id, {project.id: Role.OWNER})
        owner = Member(project.id, user_id, request.email, request.full_name, Role.OWNER, now)
        base = slugify(request.tenant_name)
        try:
            tenant = self._create_with_free_slug(Tenant(tenant_id, request.tenant_name, base, now), user, project,
                                                 owner)
        except BaseException:
            self._directory.delete_user(request.email)  # nothing half-made: the email can register again
            raise
        tokens = self._directory.sign_in(request.email, request.password)
        return SignedIn(user, tenant, tokens, [(project, Role.OWNER)])

    def _create_with_free_slug(self, wanted: Tenant, user: User, project: Project, owner: Member) -> Tenant:
        """`acme-corporation`, then `acme-corporation-2`, ...: two companies may share a name."""
        for attempt in range(1, MAX_SLUG_ATTEMPTS + 1):
            tenant = replace(wanted, slug=wanted.slug if attempt == 1 else f"{wanted.slug}-{attempt}")
            try:
                self._store.create_tenant(tenant, user, project, owner)
                return tenant
            except Conflict:
                continue
        tenant = replace(wanted, slug=f"{wanted.slug}-{wanted.id[:8]}")
        self._store.create_tenant(tenant, user, project, owner)
        return tenant

    def login(self, request: LoginRequest, source_address: str | None) -> SignedIn:
        if self._throttle:
            self._throttle.before(request.email, source_address)
        try:
            tokens = self._directory.sign_in(request.email, request.password, request.new_password)
        except Unauthorized as refused:
            if refused.code == NEW_PASSWORD_REQUIRED:
                if self._throttle:
                    self._throttle.no_failure(request.email, source_address)
                raise  # the password was right: say what is missing
            raise Unauthorized(INVALID_CREDENTIALS) from None
        except Exception:  # Cognito throttled or failed: an outage must not lock users out for 15 minutes
            if self._throttle:
                self._throttle.no_failure(request.email, source_address)
            raise
        if self._throttle:
            self._throttle.no_failure(request.email, source_address)
        principal = self._principal(tokens.id_token)
        user = self._copilot.user(principal)
        if user.current_project_id is None and user.roles:
            user = self._store.set_current_project(user, sorted(user.roles)[0])
        return SignedIn(user, self._store.get_tenant(user.tenant_id), tokens, self._copilot.list_projects(principal))

    def refresh(self, refresh_token: str) -> Tokens:
        """New tokens, unless the session was signed out: a logout by bearer header alone ends the session but
        cannot revoke a refresh token it was not given, so the first refresh after it revokes that token."""
        tokens = self._directory.refresh(refresh_token)
        if self._revocations is not None and self._revocations.is_revoked(self._verify(tokens.id_token)):
            self._directory.revoke(refresh_token)
            raise Unauthorized(INVALID_REFRESH_TOKEN)
        return tokens

    def logout(self, refresh_token: str | None, session_claims: Mapping[str, Any] | None = None) -> None:
        """Revokes the refresh token (no new ID tokens) and ends the signed-in session (the ID tokens it already
        has are refused from now on, not only once they expire)."""
        if refresh_token:
            self._directory.revoke(refresh_token)
        if session_claims and self._revocations is not None:
            self._revocations.revoke(session_claims)

    def me(self, principal: Principal) -> tuple[User, list[tuple[Project, Role]]]:
        return self._copilot.user(principal), self._copilot.list_projects(principal)

    def switch_project(self, principal: Principal, project_id: str) -> tuple[User, Project, Role]:
        user = self._copilot.user(principal)
        role = user.roles.get(project_id)
        project = self._store.get_project(user.tenant_id, project_id) if role else None
        if role is None or project is None:
            raise NotFound("Project not found")
        if user.current_project_id != project_id:
            user = self._store.set_current_project(user, project_id)
        return user, project, role

    def ws_token(self, principal: Principal, session_claims: Mapping[str, Any] | None = None) -> tuple[str, int]:
        """A ws-token for the user's current project, naming the session of the ID token it was asked with: the
        WebSocket refuses it, and its connection's subscribes, once that session is signed out."""
        if self._ws_tokens is None:
            raise RuntimeError("WebSocket tokens need the platform key (CURSOR_KEY_SECRET_ARN)")
        user = self._copilot.user(principal)
        return self._ws_tokens.issue(WsClaims(user.id, user.tenant_id, user.active_project_id, principal.groups,
                                              session_of(session_claims or {})))

    def _principal(self, id_token: str) -> Principal:
        from opsdesk.auth import principal_from_claims  # noqa: PLC0415 - tiny, kept next to its one use

        return principal_from_claims(self._verify(id_token))

