"""copilot-account-checks (scheduled, hourly): proves again the AWS accounts cloudwatch integrations proved a day
ago or more (opsdesk.copilot.proofs): kept for another day when the tenant's role still lets the platform in with
the tenant's external ID, taken away (routes, hold) when it refuses, left for the next run when AWS does not answer.
A check that failed fails the run, after the others were made."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from opsdesk.clock import utc_now
from opsdesk.copilot.integrations import integration_service
from opsdesk.copilot.proofs import recheck_due_proofs
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.observability import logger, metrics
from opsdesk.settings import CopilotIntegrationSettings, load_settings

RESERVE_MILLIS = 60_000
"""Left of a run when it stops taking proofs: one check (two STS calls and one CloudWatch call, each at most 8 s
twice) and its save fit inside."""

settings = load_settings(CopilotIntegrationSettings)
repository = CopilotRepository()
integrations = integration_service(settings, repository)


@logger.inject_lambda_context
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    now = utc_now()
    run = recheck_due_proofs(repository, lambda proof: integrations.check_proof(proof, now), now,
                             lambda: context.get_remaining_time_in_millis() < RESERVE_MILLIS,
                             believe_refusals=event.get("believeRefusals") is True)
    metrics.add_metric(name="AccountProofsRevoked", unit=MetricUnit.Count, value=run.revoked)
    summary = {"looked": run.looked, "kept": run.kept, "revoked": run.revoked, "retry": run.retry,
               "held": run.held, "overdue": run.overdue, "failed": run.failed, "outOfTime": run.out_of_time}
    if run.looked:
        logger.info("AWS account proofs checked", extra=summary)
    if run.held:  # most checks refused: the platform's side is suspect (docs/decisions.md); an operator looks
        raise RuntimeError(f"{run.held} AWS account proofs were refused in pages mostly refused, and kept: check the "
                           "platform's STS permissions; if the refusals are real, invoke the function with "
                           f'{{"believeRefusals": true}}: {summary}')
    if run.overdue:  # a role AWS has not answered for days proves nothing, but the cause may be ours: a person looks
        raise RuntimeError(f"{run.overdue} AWS account proofs have had no answer from AWS for days: see the "
                           f"integrations' last_test and the logs: {summary}")
    if run.failed:  # each is logged; failing the run raises the function's alarm, and the next run tries again
        raise RuntimeError(f"{run.failed} AWS account proofs could not be checked: {summary}")
    return summary
