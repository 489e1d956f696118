"""Capability.USER_DIRECTORY: a function that creates, invites, signs in and signs out users of the platform's
user pool (the copilot's auth routes and invitations), with the admin actions it needs on that pool only.
Capability.USER_LOOKUP: a function that looks users up by id (the helpdesk's assignees and watchers), with
ListUsers only."""

from __future__ import annotations

from aws_cdk import aws_cognito as cognito

from infra.constructs.functions import GroupFunction

USER_DIRECTORY_ACTIONS = (
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminDeleteUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminUpdateUserAttributes",
)
"""Sign-in, refresh, the first-sign-in password change and token revocation are public client calls
(InitiateAuth, RespondToAuthChallenge, RevokeToken) that need no IAM permission."""


USER_LOOKUP_ACTIONS = ("cognito-idp:ListUsers",)


def grant_user_lookup(function: GroupFunction, user_pool: cognito.IUserPool) -> None:
    user_pool.grant(function.role, *USER_LOOKUP_ACTIONS)
    function.function.add_environment("COGNITO_USER_POOL_ID", user_pool.user_pool_id)


def grant_user_directory(function: GroupFunction, user_pool: cognito.IUserPool) -> None:
    user_pool.grant(function.role, *USER_DIRECTORY_ACTIONS)
    function.function.add_environment("COGNITO_USER_POOL_ID", user_pool.user_pool_id)
