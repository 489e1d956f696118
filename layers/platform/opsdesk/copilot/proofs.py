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
    """The role refused the platform, or the stored role is in another account now: the account routes nothing."""
    RETRY = "retry"
    """AWS did not answer, or the integration changed meanwhile: still due."""
    GONE = "gone"
    """The item is its integration's no longer (see DueProofs.forget_proof)."""
    HELD = "held"
    """Refused, in a run that refused too many to believe (see refusals_believed): still due, and the run fails."""


@frozen
class ProofCheck:
    """What checking a proof found, and the write that makes it so (None: nothing to write)."""

    proof: DueProof
    outcome: Recheck
    apply: Callable[[], Recheck] | None = None
    """Saves the integration kept or revoked, if it is still as checked; what it came to (RETRY: it changed)."""
    overdue: bool = False
    """AWS has not answered it for STALE_AFTER past its due time: the run says so (its alarm)."""


def refusals_believed(refused: int, decided: int) -> bool:
    """Whether a run's refusals are the tenants' doing (`decided`: its checks kept or refused). Tenants take roles
    away one at a time; a run whose checks are mostly refused says the platform's side is wrong (its own IAM
    policy, an SCP, a broken deploy), and taking every tenant's account away would be the wrong answer: those are
    held, and the run fails (its alarm) until an operator mends the platform or believes them."""
    return refused <= MOST_REFUSALS_ALWAYS_BELIEVED or refused * 2 <= decided


MOST_REFUSALS_ALWAYS_BELIEVED = 3
STALE_AFTER = timedelta(days=3)
"""A proof AWS has not answered for this long past its due time is reported (the run fails, its alarm): a role that
cannot be checked proves nothing, but the reason may be the platform's, so a person decides."""


@frozen
class CheckRun:
    looked: int
    kept: int
    revoked: int
    retry: int
    held: int
    overdue: int
    """Proofs left due that AWS has not answered for STALE_AFTER past their due time."""
    failed: int
    """Proofs whose check failed this run (logged; the next run tries again)."""
    out_of_time: bool


def recheck_due_proofs(proofs: DueProofs, check: Callable[[DueProof], ProofCheck], now: datetime,
                       out_of_time: Callable[[], bool], *, believe_refusals: bool = False) -> CheckRun:
    """One run: every proof due by `now`, the longest due first, checked again a page at a time while there is
    time. What is kept is written as it is found; refusals wait for the run's end and are written only when
    believed (refusals_believed over the whole run, or `believe_refusals`: an operator's run once the platform's
    side is known to be right). A write applies only to an integration still as it was checked."""
    counts = dict.fromkeys(Recheck, 0)
    looked = failed = overdue = 0
    refusals: list[ProofCheck] = []
    after: str | None = None
    stopped = False
    while not stopped:
        page = proofs.due_proofs(now, PROOFS_PER_PAGE, after)
        for proof in page.proofs:
            if out_of_time():
                stopped = True
                break
            looked += 1
            try:
                found = check(proof)
            except Exception:  # noqa: BLE001 - whatever one check meets, the others go on; the run then fails
                LOG.exception("checking the AWS account proof of integration %s of tenant %s failed",
                              proof.integration_id, proof.tenant_id)
                failed += 1
                continue
            overdue += found.overdue
            if found.outcome is Recheck.REVOKED:
                refusals.append(found)
                continue
            outcome = _applied(proofs, found)
            if outcome is None:
                failed += 1
            else:
                counts[outcome] += 1
        if page.after is None:
            break
        after = page.after
    believed = believe_refusals or refusals_believed(len(refusals), counts[Recheck.KEPT] + len(refusals))
    for found in refusals:
        outcome = _applied(proofs, found) if believed else Recheck.HELD
        if outcome is None:
            failed += 1
        else:
            counts[outcome] += 1
    return CheckRun(looked, counts[Recheck.KEPT], counts[Recheck.REVOKED], counts[Recheck.RETRY],
                    counts[Recheck.HELD], overdue, failed, stopped)


def _applied(proofs: DueProofs, found: ProofCheck) -> Recheck | None:
    """What one check came to once written; None when the write failed (logged)."""
    try:
        if found.outcome is Recheck.GONE:
            proofs.forget_proof(found.proof)
        return found.apply() if found.apply is not None else found.outcome
    except Exception:  # noqa: BLE001 - as above
        LOG.exception("saving the AWS account proof check of integration %s failed", found.proof.integration_id)
        return None
