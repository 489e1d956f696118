"""Proven AWS accounts, proven again (functions/copilot_account_checks, scheduled hourly).

A `cloudwatch` integration routes its account's alarms once the platform has assumed the tenant's role there with
the tenant's external ID (opsdesk.copilot.integrations). A role can be deleted later, its trust policy changed, the
account handed to someone else: a proof made once would then route another owner's alarms for ever. So each proof
is due again a day after it was made: the check runs the same connection test with the stored role. A pass keeps
it for another day (and is the integration's `last_test`); a refusal (AccessDenied, a trust policy that no longer
asks for the ID) takes it away, and with it the account's routes and hold, and the failed test says why; AWS not
answering (throttled, a 5xx, unreachable) changes nothing and the next run tries again.

Which proofs are due is a Query: each proven integration has an item in a partition of its own, sorted by when it
is due (`APROOFS`, docs/data-model.md), written and moved in the integration's own transactions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from opsdesk.copilot.records import Integration
from opsdesk.frozen import frozen

LOG = logging.getLogger(__name__)

PROVEN_FOR = timedelta(days=1)
"""How long a proof holds before it is checked again."""
PROOFS_PER_PAGE = 25
"""Due proofs read at a time; a run reads on while it has time."""


def proof_due(integration: Integration) -> datetime | None:
    """When the integration's account is to be proven again; None while it routes no account."""
    if integration.type != "cloudwatch" or not integration.enabled or integration.verified_account is None \
            or integration.verified_at is None:
        return None
    return integration.verified_at + PROVEN_FOR


@frozen
class DueProof:
    tenant_id: str
    project_id: str
    integration_id: str
    marker: str
    """Its item's sort key: when it is due, and whose it is."""


@frozen
class DueProofPage:
    proofs: tuple[DueProof, ...]
    after: str | None
    """Where the next page starts (None: this was the last)."""


class DueProofs(Protocol):
    def due_proofs(self, now: datetime, limit: int, after: str | None = None) -> DueProofPage:
        """Up to `limit` proofs due by `now` after the marker `after`, the longest due first."""
        ...

    def forget_proof(self, proof: DueProof) -> None:
        """Deletes a proof item its integration no longer has (deleted, or proven since under another marker)."""
        ...


class Recheck(StrEnum):
    KEPT = "kept"
    """Proven again: due a day later."""
    REVOKED = "revoked"
    """The role refused the platform: the account routes nothing now."""
    RETRY = "retry"
    """AWS did not answer, or the integration changed meanwhile: still due."""
    GONE = "gone"
    """The item is its integration's no longer (see DueProofs.forget_proof)."""


@frozen
class CheckRun:
    looked: int
    kept: int
    revoked: int
    retry: int
    failed: int
    """Proofs whose check failed this run (logged; the next run tries again)."""
    out_of_time: bool


def recheck_due_proofs(proofs: DueProofs, recheck: Callable[[DueProof], Recheck], now: datetime,
                       out_of_time: Callable[[], bool]) -> CheckRun:
    """One run: every proof due by `now`, the longest due first, checked again while there is time."""
    counts = dict.fromkeys(Recheck, 0)
    looked = failed = 0
    after: str | None = None
    while True:
        page = proofs.due_proofs(now, PROOFS_PER_PAGE, after)
        for proof in page.proofs:
            if out_of_time():
                return _run(looked, counts, failed, out_of_time=True)
            looked += 1
            try:
                outcome = recheck(proof)
                if outcome is Recheck.GONE:
                    proofs.forget_proof(proof)
                counts[outcome] += 1
            except Exception:  # noqa: BLE001 - whatever one check meets, the others go on; the run then fails
                LOG.exception("checking the AWS account proof of integration %s of tenant %s failed",
                              proof.integration_id, proof.tenant_id)
                failed += 1
        if page.after is None:
            return _run(looked, counts, failed, out_of_time=False)
        after = page.after


def _run(looked: int, counts: dict[Recheck, int], failed: int, *, out_of_time: bool) -> CheckRun:
    return CheckRun(looked, counts[Recheck.KEPT], counts[Recheck.REVOKED], counts[Recheck.RETRY], failed,
                    out_of_time)
