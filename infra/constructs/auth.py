"""Cognito: the user pool whose ID tokens every module's authorizer verifies, its app client and groups."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra.nag import acknowledge
from opsdesk.identity import (
    CUSTOM_ATTRIBUTES_MUTABLE,
    PASSWORD_MIN_LENGTH,
    PASSWORD_REQUIRES,
    PLATFORM_GROUPS,
    PROJECT_ATTRIBUTE,
    TENANT_ATTRIBUTE,
)


class Auth(Construct):
    """The user pool and one public app client (browser and server-side login, so no secret).

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
        self.app_client = self.user_pool.add_client(
            "AppClient",
            user_pool_client_name=f"{name_prefix}-app",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            # The copilot document's refresh token lives 7 days (its `refresh_token` cookie too).
            refresh_token_validity=Duration.days(7),
            read_attributes=readable,
            write_attributes=writable,
        )

        # Platform roles arrive in the ID token's `cognito:groups` claim (opsdesk.auth.GROUPS_CLAIM).
        self.groups = {
            name: cognito.UserPoolGroup(
                self, f"{name.capitalize()}Group", user_pool=self.user_pool, group_name=name, description=description
            )
            for name, description in PLATFORM_GROUPS.items()
        }
