"""Proven AWS accounts proven again (opsdesk.copilot.proofs): the scheduled run over due proofs, and the check of
one (IntegrationService.recheck) on the fake store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from opsdesk.copilot.proofs import (
    PROVEN_FOR,
    STALE_AFTER,
    DueProof,
    DueProofPage,
    ProofCheck,
    Recheck,
    recheck_due_proofs,
    refusals_believed,
)
from opsdesk.copilot.requests import IntegrationCreateRequest, IntegrationUpdateRequest
from tests.unit.copilot.test_integrations import ACCOUNT, WATCHING, Given

NOW = datetime(2026, 12, 8, 12, tzinfo=UTC)


class Pages:
    """Due proofs a page at a time, recording what was forgotten."""

    def __init__(self, markers: list[str], per_page: int = 2) -> None:
        self.markers = markers
        self.per_page = per_page
        self.forgotten: list[str] = []
        self.reads: list[str | None] = []

    def due_proofs(self, now: datetime, limit: int, after: str | None = None) -> DueProofPage:
        self.reads.append(after)
        page = [m for m in self.markers if after is None or m > after][:self.per_page]
        return DueProofPage(tuple(DueProof("t", "p", m, m) for m in page),
                            page[-1] if len(page) == self.per_page else None)

    def forget_proof(self, proof: DueProof) -> None:
        self.forgotten.append(proof.marker)


def checks(outcomes: dict[str, Recheck], written: list[str]) -> Callable[[DueProof], ProofCheck]:
    def check(proof: DueProof) -> ProofCheck:
        outcome = outcomes[proof.marker]

        def apply() -> Recheck:
            written.append(proof.marker)
            return outcome

        return ProofCheck(proof, outcome, apply if outcome in (Recheck.KEPT, Recheck.REVOKED) else None)

    return check


def test_a_run_checks_every_due_proof_a_page_at_a_time_and_forgets_only_the_gone() -> None:
    pages = Pages(["a", "b", "c", "d", "e"])
    written: list[str] = []
    outcomes = {"a": Recheck.KEPT, "b": Recheck.REVOKED, "c": Recheck.RETRY, "d": Recheck.GONE, "e": Recheck.KEPT}

    run = recheck_due_proofs(pages, checks(outcomes, written), NOW, lambda: False)

    assert written == ["a", "e", "b"] and pages.reads == [None, "b", "d"]  # a retried one is not read twice
    assert pages.forgotten == ["d"]
    assert (run.looked, run.kept, run.revoked, run.retry, run.held, run.failed, run.out_of_time) == (
        5, 2, 1, 1, 0, 0, False)


def test_a_page_mostly_refused_takes_nothing_away_and_says_so_unless_an_operator_believes_it() -> None:
    markers = [f"m{i}" for i in range(10)]
    outcomes = dict.fromkeys(markers, Recheck.REVOKED) | {"m0": Recheck.KEPT, "m1": Recheck.KEPT}
    written: list[str] = []

    run = recheck_due_proofs(Pages(markers, per_page=10), checks(outcomes, written), NOW, lambda: False)
    believed = recheck_due_proofs(Pages(markers, per_page=10), checks(outcomes, []), NOW, lambda: False,
                                  believe_refusals=True)

    assert written == ["m0", "m1"] and (run.kept, run.revoked, run.held) == (2, 0, 8)
    assert (believed.revoked, believed.held) == (8, 0)


def test_refusals_are_weighed_over_the_whole_run_so_a_short_last_page_takes_nothing_away() -> None:
    markers = [f"m{i:02}" for i in range(28)]
    written: list[str] = []

    run = recheck_due_proofs(Pages(markers, per_page=25), checks(dict.fromkeys(markers, Recheck.REVOKED), written),
                             NOW, lambda: False)

    assert written == [] and (run.revoked, run.held) == (0, 28)


def test_a_few_refusals_or_a_minority_of_a_run_are_believed() -> None:
    assert refusals_believed(3, 3) and refusals_believed(10, 20)
    assert not refusals_believed(4, 4) and not refusals_believed(11, 20)


def test_a_check_that_fails_is_counted_and_the_others_go_on() -> None:
    def check(proof: DueProof) -> ProofCheck:
        if proof.marker == "a":
            raise RuntimeError("the secret could not be read")
        return ProofCheck(proof, Recheck.KEPT, lambda: Recheck.KEPT)

    run = recheck_due_proofs(Pages(["a", "b"]), check, NOW, lambda: False)

    assert (run.looked, run.kept, run.failed) == (2, 1, 1)


def test_a_run_out_of_time_stops_before_the_next_check_and_applies_what_it_checked() -> None:
    written: list[str] = []
    checked: list[str] = []

    def check(proof: DueProof) -> ProofCheck:
        checked.append(proof.marker)
        return checks(dict.fromkeys("abc", Recheck.KEPT), written)(proof)

    run = recheck_due_proofs(Pages(["a", "b", "c"], per_page=3), check, NOW, lambda: len(checked) == 2)

    assert checked == written == ["a", "b"] and run.out_of_time and run.looked == 2


def applied(found: ProofCheck) -> Recheck:
    assert found.apply is not None
    return found.apply()


def due_now(given: Given) -> DueProof:
    (proof,) = given.store.due_proofs(NOW + PROVEN_FOR * 2, 10).proofs
    return proof


def test_a_proof_that_passes_again_is_kept_for_another_day() -> None:
    given = Given()
    made = given.proven()

    outcome = applied(given.service.check_proof(due_now(given), NOW + PROVEN_FOR * 2))

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

    outcome = applied(given.service.check_proof(due_now(given), NOW + PROVEN_FOR * 2))

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

    found = given.service.check_proof(proof, NOW + PROVEN_FOR * 2)

    assert (found.outcome, found.apply) == (Recheck.RETRY, None)
    assert given.store.get_integration(given.principal.tenant_id, given.project_id, made.id) == made
    assert due_now(given) == proof


def test_a_proof_the_integration_no_longer_has_is_gone() -> None:
    given = Given()
    made = given.proven()
    proof = due_now(given)
    given.store.integrations[given.principal.tenant_id, given.project_id][made.id] = replace(
        made, verified_at=made.verified_at + timedelta(hours=1) if made.verified_at else None)  # proven since

    assert given.service.check_proof(proof, NOW).outcome is Recheck.GONE
    given.store.integrations[given.principal.tenant_id, given.project_id].pop(made.id)
    assert given.service.check_proof(proof, NOW).outcome is Recheck.GONE


def test_a_switched_off_or_unproven_integration_has_no_proof_due() -> None:
    given = Given()
    made = given.proven()
    given.service.create(given.principal, given.project_id, IntegrationCreateRequest(
        type="cloudwatch", name="no role", config=WATCHING))

    given.service.update(given.principal, given.project_id, made.id, IntegrationUpdateRequest(enabled=False))

    assert given.store.due_proofs(NOW + PROVEN_FOR * 30, 10).proofs == ()


def test_a_proof_aws_has_not_answered_for_days_is_reported_not_taken_away() -> None:
    given = Given()
    given.proven()
    given.probes.outcome = {"ok": False, "status_code": None, "message": "unreachable", "latency_ms": 3000,
                            "retryable": True}
    proof = due_now(given)
    due = datetime.fromisoformat(proof.marker.split("#")[0].replace("Z", "+00:00"))  # to the millisecond

    before = given.service.check_proof(proof, due + STALE_AFTER - timedelta(seconds=1))
    after = given.service.check_proof(proof, due + STALE_AFTER + timedelta(seconds=1))

    assert (before.outcome, before.overdue, before.apply) == (Recheck.RETRY, False, None)
    assert (after.outcome, after.overdue, after.apply) == (Recheck.RETRY, True, None)  # reported, not taken away


def test_a_check_whose_integration_changed_meanwhile_writes_nothing() -> None:
    given = Given()
    made = given.proven()
    found = given.service.check_proof(due_now(given), NOW + PROVEN_FOR * 2)
    renamed = replace(made, name="renamed")
    given.store.integrations[given.principal.tenant_id, given.project_id][made.id] = renamed

    assert applied(found) is Recheck.RETRY
    assert given.store.get_integration(given.principal.tenant_id, given.project_id, made.id) == renamed


def test_a_stored_role_no_longer_in_the_proven_account_takes_the_proof_away() -> None:
    given = Given()
    made = given.proven()
    given.secrets.values[made.secret_ref or ""] = {"role_arn": "arn:aws:iam::777788889999:role/alarms"}

    found = given.service.check_proof(due_now(given), NOW + PROVEN_FOR * 2)

    assert found.outcome is Recheck.REVOKED and applied(found) is Recheck.REVOKED
    after = given.store.get_integration(given.principal.tenant_id, given.project_id, made.id)
    assert after is not None and after.verified_account is None
