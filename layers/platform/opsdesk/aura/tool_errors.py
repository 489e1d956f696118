"""The two ways an agent tool can fail (opsdesk.aura.tools.ToolRunner): a refusal or failure the agent is told about
(ToolError: the call's outcome is ok=False with the message), and an outage the turn is retried for (ToolOutage:
it propagates, the kick is redelivered and the same call made again with the same id).

Messages are shown to the model and written to the audit log: they never carry a secret, a token or file content."""

from __future__ import annotations


class ToolError(Exception):
    """The call was refused or failed for a reason retrying the same call would not change."""


class ToolOutage(Exception):
    """The call could not be made (a remote unreachable, a 5xx): the same call may succeed later."""
