"""The user pool's shape, one definition for CDK (infra/constructs/auth.py) and the local stack
(scripts/local/aws.py): groups, custom attributes and who may write them, the password policy."""

from __future__ import annotations

from opsdesk.auth import PROJECT_CLAIM, TENANT_CLAIM

PLATFORM_GROUPS: dict[str, str] = {
    "admin": "Platform administrators: manage the tenant's users and settings",
    "agent": "Support agents: work issues and tickets across the tenant",
}

# The names after "custom:" in the claims the platform library reads (opsdesk.auth).
TENANT_ATTRIBUTE = TENANT_CLAIM.removeprefix("custom:")
PROJECT_ATTRIBUTE = PROJECT_CLAIM.removeprefix("custom:")
CUSTOM_ATTRIBUTES_MUTABLE: dict[str, bool] = {
    TENANT_ATTRIBUTE: False,  # set when an administrator creates the user; a user never changes tenant
    PROJECT_ATTRIBUTE: True,  # changes when the user switches project, through admin APIs
}

# What the app client (the users themselves) may read and write: never a custom attribute.
CLIENT_READ_ATTRIBUTES = ("email", "email_verified", "name", TENANT_CLAIM, PROJECT_CLAIM)
CLIENT_WRITE_ATTRIBUTES = ("email", "name")

PASSWORD_MIN_LENGTH = 15
"""Length, not composition (NIST SP 800-63B-4, 3.1.1.2: at least 15 characters for a password used alone, and no
rules on character classes, which push users to `Password1!`). The copilot document's own example password,
`securepassword123`, meets it; guessing is stopped by the sign-in throttle (opsdesk.copilot.accounts)."""
PASSWORD_REQUIRES: dict[str, bool] = {"lowercase": False, "uppercase": False, "digits": False, "symbols": False}
"""Cognito's character-class switches, all off (see PASSWORD_MIN_LENGTH)."""
