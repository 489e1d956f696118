"""Proven AWS accounts proven again (opsdesk.copilot.proofs): the scheduled run over due proofs, and the check of
one (IntegrationService.recheck) on the fake store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from opsdesk.copilot.proofs import PROVEN_FOR, DueProof, DueProofPage, Recheck, recheck_due_proofs
from opsdesk.copilot.requests import IntegrationCreateRequest, IntegrationUpdateRequest
from tests.unit.copilot.test_integrations import ACCOUNT, WATCHING, Given

NOW = datetime(2026, 12, 8, 12, tzinfo=UTC)


class Pages:
    """Due proofs a page of two at a time, recording what was forgotten."""

    def __init__(self, markers: list[str]) -> None:
        self.markers = markers
        self.forgotten: list[str] = []
        self.reads: list[str | None] = []

    def due_proofs(self, now: datetime, limit: int, after: str | None = None) -> DueProofPage:
        self.reads.append(after)
        page = [m for m in self.markers if after is None or m > after][:2]
        return DueProofPage(tuple(DueProof("t", "p", m, m) for m in page), page[-1] if len(page) == 2 else None)

    def forget_proof(self, proof: DueProof) -> None:
        self.forgotten.append(proof.marker)


def test_a_run_checks_every_due_proof_a_page_at_a_time_and_forgets_only_the_gone() -> None:
    pages = Pages(["a", "b", "c", "d", "e"])
    outcomes = {"a": Recheck.KEPT, "b": Recheck.REVOKED, "c": Recheck.RETRY, "d": Recheck.GONE, "e": Recheck.KEPT}
    seen: list[str] = []

    def recheck(proof: DueProof) -> Recheck:
        seen.append(proof.marker)
        return outcomes[proof.marker]

    run = recheck_due_proofs(pages, recheck, NOW, lambda: False)

    assert seen == ["a", "b", "c", "d", "e"] and pages.reads == [None, "b", "d"]  # a retried one is not read twice
    assert pages.forgotten == ["d"]
    assert (run.looked, run.kept, run.revoked, run.retry, run.failed, run.out_of_time) == (5, 2, 1, 1, 0, False)


def test_a_check_that_fails_is_counted_and_the_others_go_on() -> None:
    def recheck(proof: DueProof) -> Recheck:
        if proof.marker == "a":
            raise RuntimeError("the secret could not be read")
        return Recheck.KEPT

    run = recheck_due_proofs(Pages(["a", "b"]), recheck, NOW, lambda: False)

    assert (run.looked, run.kept, run.failed) == (2, 1, 1)


def test_a_run_out_of_time_stops_before_the_next_check() -> None:
    checked: list[str] = []

    run = recheck_due_proofs(Pages(["a", "b", "c"]), lambda p: checked.append(p.marker) or Recheck.KEPT, NOW,
                             lambda: len(checked) == 2)

    assert checked == ["a", "b"] and run.out_of_time and run.looked == 2


def due_now(given: Given) -> DueProof:
    (proof,) = given.store.due_proofs(NOW + PROVEN_FOR * 2, 10).proofs
    return proof


def test_a_proof_that_passes_again_is_kept_for_another_day() -> None:
    given = Given()
    made = given.proven()

    outcome = given.service.recheck(due_now(given), NOW + PROVEN_FOR * 2)

    after = given.store.get_integration(given.principal.tenant_id, given.project_id, made.id)
    assert outcome is Recheck.KEPT and after is not None
    assert (after.verified_account, after.verified_at) == (ACCOUNT, NOW + PROVEN_FOR * 2)
    assert after.last_test is not None and after.last_test["success"] is True
    assert given.store.due_proofs(NOW + PROVEN_FOR * 2, 10).proofs == ()  # due a day after that


def test_a_role_that_refuses_the_platform_now_takes_the_account_away_and_another_tenant_may_prove_it() -> None:
    given = Given()
    made = given.proven()
    given.probes.outcome = {"ok": False, "status_code": 403, "message": "CloudWatch refused: AccessDenied",
                            "latency_ms": 40}

    outcome = given.service.recheck(due_now(given), NOW + PROVEN_FOR * 2)

    after = given.store.get_integration(given.principal.tenant_id, given.project_id, made.id)
    assert outcome is Recheck.REVOKED and after is not None and after.verified_account is None
    assert after.last_test is not None and "AccessDenied" in after.last_test["message"]
    other = Given(store=given.store)
    other.probes.outcome = {"ok": True, "status_code": 200, "message": "ok", "latency_ms": 5}
    assert other.proven().verified_account == ACCOUNT  # the account is free


def test_aws_not_answering_changes_nothing_and_the_proof_stays_due() -> None:
    given = Given()
    made = given.proven()
    given.probes.outcome = {"ok": False, "status_code": None, "message": "unreachable", "latency_ms": 3000,
                            "retryable": True}
    proof = due_now(given)

    outcome = given.service.recheck(proof, NOW + PROVEN_FOR * 2)

    assert outcome is Recheck.RETRY
    assert given.store.get_integration(given.principal.tenant_id, given.project_id, made.id) == made
    assert due_now(given) == proof


def test_a_proof_the_integration_no_longer_has_is_gone() -> None:
    given = Given()
    made = given.proven()
    proof = due_now(given)
    given.store.integrations[given.principal.tenant_id, given.project_id][made.id] = replace(
        made, verified_at=made.verified_at + timedelta(hours=1) if made.verified_at else None)  # proven since

    assert given.service.recheck(proof, NOW) is Recheck.GONE
    given.store.integrations[given.principal.tenant_id, given.project_id].pop(made.id)
    assert given.service.recheck(proof, NOW) is Recheck.GONE


def test_a_switched_off_or_unproven_integration_has_no_proof_due() -> None:
    given = Given()
    made = given.proven()
    given.service.create(given.principal, given.project_id, IntegrationCreateRequest(
        type="cloudwatch", name="no role", config=WATCHING))

    given.service.update(given.principal, given.project_id, made.id, IntegrationUpdateRequest(enabled=False))

    assert given.store.due_proofs(NOW + PROVEN_FOR * 30, 10).proofs == ()
