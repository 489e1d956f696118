"""Cognito: the user pool whose ID tokens every module's authorizer verifies, its app clients and groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra.nag import acknowledge
from opsdesk.apimodel import ApiModule
from opsdesk.identity import (
    CUSTOM_ATTRIBUTES_MUTABLE,
    PASSWORD_MIN_LENGTH,
    PASSWORD_REQUIRES,
    PLATFORM_GROUPS,
    PROJECT_ATTRIBUTE,
    TENANT_ATTRIBUTE,
)


@dataclass(frozen=True)
class AppClients:
    """The pool's app clients as the functions' settings name them: the platform's, and those of modules whose
    tokens live otherwise (ApiModule.own_client_setting -> client id)."""

    platform: str
    modules: Mapping[str, str]

    def verifier_environment(self) -> dict[str, str]:
        """What a function that checks a token's `aud` needs: every client whose tokens the API accepts."""
        variables = {"COGNITO_APP_CLIENT_ID": self.platform}
        if self.modules:
            variables["COGNITO_MODULE_CLIENT_IDS"] = ",".join(self.modules.values())
        return variables

    def sign_in_environment(self, module: ApiModule) -> dict[str, str]:
        """The module's own client, which its functions sign users in with (none: the platform's)."""
        setting = module.own_client_setting
        if setting is None:
            return {}
        if setting not in self.modules:
            raise ValueError(f"module {module.name} signs users in with a client of its own: pass it to the "
                             "platform stack's modules")
        return {setting: self.modules[setting]}


class Auth(Construct):
    """The user pool and its public app clients (browser and server-side login, so no secret): the platform's,
    and one for each module whose document gives its tokens another lifetime (the copilot's 15 minutes).

    The tenant comes only from the verified token (DESIGN.md §3), so `custom:tenant_id` is set when an admin (or
    the register function, with admin APIs) creates the user, and then never changes: it is immutable, and the
    app client can read it but not write it. `custom:project_id` changes when a user switches project, again
    through admin APIs only. Self sign-up is off: registration goes through a function that assigns the tenant.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name_prefix: str,
        threat_protection: bool,
        deletion_protection: bool,
        removal_policy: RemovalPolicy,
        modules: Sequence[ApiModule] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=f"{name_prefix}-users",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=False, mutable=True),
                fullname=cognito.StandardAttribute(required=False, mutable=True),
            ),
            custom_attributes={
                name: cognito.StringAttribute(min_len=1, max_len=64, mutable=mutable)
                for name, mutable in CUSTOM_ATTRIBUTES_MUTABLE.items()
            },
            password_policy=cognito.PasswordPolicy(
                min_length=PASSWORD_MIN_LENGTH,
                require_lowercase=PASSWORD_REQUIRES["lowercase"],
                require_uppercase=PASSWORD_REQUIRES["uppercase"],
                require_digits=PASSWORD_REQUIRES["digits"],
                require_symbols=PASSWORD_REQUIRES["symbols"],
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS if threat_protection else cognito.FeaturePlan.ESSENTIALS,
            standard_threat_protection_mode=(
                cognito.StandardThreatProtectionMode.FULL_FUNCTION if threat_protection else None
            ),
            deletion_protection=deletion_protection,
            removal_policy=removal_policy,
        )
        acknowledge(
            self.user_pool,
            "COG2",
            "MFA is optional (TOTP), not required: the API documents' login endpoints (e.g. copilot POST "
            "/auth/login) return tokens for a username and password with no challenge step, so required MFA would "
            "break their clients. Users can enrol a TOTP factor; threat protection covers risky sign-ins in prod.",
        )
        acknowledge(
            self.user_pool,
            "COG1",
            f"Length over composition, as NIST SP 800-63B-4 (3.1.1.2) requires: at least {PASSWORD_MIN_LENGTH} "
            "characters and no character-class rules, which only push users to predictable patterns. Guessing is "
            "stopped by the sign-in throttle (failed sign-ins per email and per address, then 429) and, in prod, "
            "threat protection.",
        )
        if not threat_protection:
            acknowledge(
                self.user_pool,
                "COG8",
                "Non-production stages use the Essentials plan: the Plus plan (threat protection) is billed per "
                "monthly active user and protects no real users there. Stage prod turns it on (threatProtection).",
            )

        readable = (
            cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, fullname=True)
            .with_custom_attributes(TENANT_ATTRIBUTE, PROJECT_ATTRIBUTE)
        )
        # No custom attribute is writable through the client: tenant and project are assigned by admin APIs.
        writable = cognito.ClientAttributes().with_standard_attributes(email=True, fullname=True)

        def add_client(construct_id: str, client_name: str, token_validity: Duration,
                       refresh_validity: Duration) -> cognito.UserPoolClient:
            return self.user_pool.add_client(
                construct_id,
                user_pool_client_name=client_name,
                generate_secret=False,
                auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
                disable_o_auth=True,
                prevent_user_existence_errors=True,
                enable_token_revocation=True,
                id_token_validity=token_validity,
                access_token_validity=token_validity,
                refresh_token_validity=refresh_validity,
                read_attributes=readable,
                write_attributes=writable,
            )

        self.app_client = add_client("AppClient", f"{name_prefix}-app", Duration.hours(1), Duration.days(7))
        # A module whose document gives tokens another lifetime signs its users in with a client of its own, so a
        # token's `exp` says what the document says (the copilot: 15 minutes, refresh tokens 7 days).
        self.module_clients = {
            module.own_client_setting: add_client(
                f"{module.name.capitalize()}Client", f"{name_prefix}-{module.name}",
                Duration.seconds(module.cookie_session.token_lifetime_seconds or 3600),
                Duration.days(module.cookie_session.refresh_token_days),
            )
            for module in modules if module.own_client_setting
        }
        self.app_clients = AppClients(
            self.app_client.user_pool_client_id,
            {setting: client.user_pool_client_id for setting, client in self.module_clients.items()},
        )

        # Platform roles arrive in the ID token's `cognito:groups` claim (opsdesk.auth.GROUPS_CLAIM).
        self.groups = {
            name: cognito.UserPoolGroup(
                self, f"{name.capitalize()}Group", user_pool=self.user_pool, group_name=name, description=description
            )
            for name, description in PLATFORM_GROUPS.items()
        }
