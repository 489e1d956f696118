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
    """The role refused the platform (or AWS has not answered for STALE_AFTER past the due time): the account
    routes nothing now."""
    RETRY = "retry"
    """AWS did not answer, or the integration changed meanwhile: still due."""
    GONE = "gone"
    """The item is its integration's no longer (see DueProofs.forget_proof)."""
    HELD = "held"
    """Refused, but in a run that refused too many to believe (see refusals_believed): still due, and the run fails."""


@frozen
class ProofCheck:
    """What checking a proof found, and the write that makes it so (None: nothing to write)."""

    proof: DueProof
    outcome: Recheck
    apply: Callable[[], Recheck] | None = None
    """Saves the integration kept or revoked; what it came to (RETRY: it changed meanwhile)."""


def refusals_believed(refused: int, checked: int) -> bool:
    """Whether a page's refusals are the tenants' doing. Tenants take roles away one at a time; a page whose checks
    are mostly refused says the platform's side is wrong (its own IAM policy, an SCP, a broken deploy), and taking
    every tenant's account away would be the wrong answer: those are held and the run fails (its alarm)."""
    return refused <= MOST_REFUSALS_ALWAYS_BELIEVED or refused * 2 <= checked


MOST_REFUSALS_ALWAYS_BELIEVED = 3
STALE_AFTER = timedelta(days=3)
"""A proof AWS has not answered for this long past its due time is taken away: a role that cannot be checked proves
nothing (the tenant's region switched off, say)."""


@frozen
class CheckRun:
    looked: int
    kept: int
    revoked: int
    retry: int
    held: int
    failed: int
    """Proofs whose check failed this run (logged; the next run tries again)."""
    out_of_time: bool


def recheck_due_proofs(proofs: DueProofs, check: Callable[[DueProof], ProofCheck], now: datetime,
                       out_of_time: Callable[[], bool], *, believe_refusals: bool = False) -> CheckRun:
    """One run: every proof due by `now`, the longest due first, checked again a page at a time while there is
    time; a page's refusals are applied only when believed (refusals_believed, or `believe_refusals`: an operator's
    run once the platform's side is known to be right)."""
    counts = dict.fromkeys(Recheck, 0)
    looked = failed = 0
    after: str | None = None
    while True:
        page = proofs.due_proofs(now, PROOFS_PER_PAGE, after)
        checks: list[ProofCheck] = []
        stopped = False
        for proof in page.proofs:
            if out_of_time():
                stopped = True
                break
            looked += 1
            try:
                checks.append(check(proof))
            except Exception:  # noqa: BLE001 - whatever one check meets, the others go on; the run then fails
                LOG.exception("checking the AWS account proof of integration %s of tenant %s failed",
                              proof.integration_id, proof.tenant_id)
                failed += 1
        refused = sum(1 for c in checks if c.outcome is Recheck.REVOKED)
        believed = believe_refusals or refusals_believed(refused, len(checks))
        for found in checks:
            outcome, failed = _applied(proofs, found, believed, failed)
            if outcome is not None:
                counts[outcome] += 1
        if stopped or page.after is None:
            return CheckRun(looked, counts[Recheck.KEPT], counts[Recheck.REVOKED], counts[Recheck.RETRY],
                            counts[Recheck.HELD], failed, stopped)
        after = page.after


def _applied(proofs: DueProofs, found: ProofCheck, believed: bool, failed: int) -> tuple[Recheck | None, int]:
    """What one check came to once written; None when the write failed (counted in `failed`)."""
    if found.outcome is Recheck.REVOKED and not believed:
        return Recheck.HELD, failed
    try:
        if found.outcome is Recheck.GONE:
            proofs.forget_proof(found.proof)
        return (found.apply() if found.apply is not None else found.outcome), failed
    except Exception:  # noqa: BLE001 - as above
        LOG.exception("saving the AWS account proof check of integration %s failed", found.proof.integration_id)
        return None, failed + 1
