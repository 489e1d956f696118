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

PASSWORD_MIN_LENGTH = 12
"""And at least one lower-case letter, upper-case letter, digit and symbol."""
