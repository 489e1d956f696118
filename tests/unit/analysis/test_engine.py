"""The evidence-scoring engine: how each kind of evidence moves a cause, and what a hypothesis says."""

from __future__ import annotations

import pytest

from opsdesk.analysis.engine import rank_hypotheses, terms_of
from opsdesk.analysis.evidence import CAUSE_CLASSES, Hypothesis
from tests.unit.analysis.builders import alert, bundle, change, incident, past

POOL_TEXT = "HikariPool-1 - Connection is not available, request timed out after 30000ms."


def by_cause(hypotheses: list[Hypothesis]) -> dict[str, Hypothesis]:
    return {h.cause: h for h in hypotheses}


def confidence(hypotheses: list[Hypothesis], cause: str) -> float:
    found = by_cause(hypotheses).get(cause)
    return found.confidence_score if found else 0.0


def test_a_deploy_of_the_same_service_minutes_before_ranks_bad_deploy_first() -> None:
    evidence = bundle(incident("payment-api 5xx", "Error rate jumped to 12%."),
                      alerts=(alert("HighErrorRate", minutes_before=3),),
                      changes=(change("deployment", minutes_before=10, version="v2.4.5"),))

    top = rank_hypotheses(evidence)[0]

    assert top.cause == "bad_deploy"
    assert top.claim == "Deployment v2.4.5 of payment-api caused the errors"
    assert "Deployment v2.4.5 of payment-api 10 minutes before detection" in top.supporting_evidence


def test_a_deploy_long_before_detection_weighs_little_and_is_cited_against_bad_deploy() -> None:
    recent = rank_hypotheses(bundle(incident("payment-api 5xx"), changes=(change(minutes_before=10),)))
    old = rank_hypotheses(bundle(incident("payment-api 5xx"), changes=(change(minutes_before=20 * 60),)))

    assert confidence(old, "bad_deploy") < confidence(recent, "bad_deploy") / 2
    assert all(h.cause != "bad_deploy" for h in old) or any(
        "20 hours before detection" in s for s in by_cause(old)["bad_deploy"].contradicting_evidence)


def test_a_deploy_on_another_service_does_not_outweigh_the_service_s_own_signs() -> None:
    evidence = bundle(incident("Payment API timeouts", POOL_TEXT),
                      changes=(change(service="frontend-web", minutes_before=15, version="2026.03.04-1"),))

    hypotheses = by_cause(rank_hypotheses(evidence))

    assert rank_hypotheses(evidence)[0].cause == "connection_pool_exhaustion"
    assert "bad_deploy" not in hypotheses or any(
        "on another service than payment-api" in s for s in hypotheses["bad_deploy"].contradicting_evidence)


def test_the_same_deploy_weighs_more_on_the_incident_s_service_than_on_an_unrelated_one() -> None:
    same = rank_hypotheses(bundle(incident("Errors"), changes=(change(service="payment-api"),)))
    other = rank_hypotheses(bundle(incident("Errors"), changes=(change(service="search-indexer"),)))

    assert confidence(same, "bad_deploy") > 3 * confidence(other, "bad_deploy")


def test_a_change_after_detection_cannot_cause_it() -> None:
    evidence = bundle(incident("Errors on payment-api"), changes=(change("config_change", minutes_before=-5),))

    hypotheses = rank_hypotheses(evidence)

    assert "config_change" not in by_cause(hypotheses)


def test_a_config_change_on_the_service_ranks_config_change_first_with_a_claim_naming_it() -> None:
    evidence = bundle(incident("Orders failing", "context deadline exceeded on calls to inventory",
                               service="orders-svc"),
                      changes=(change("config_change", service="orders-svc", version=None, minutes_before=12,
                                      summary="INVENTORY_TIMEOUT_MS 2000 -> 200"),))

    top = rank_hypotheses(evidence)[0]

    assert top.cause == "config_change"
    assert top.claim.startswith('Config change "INVENTORY_TIMEOUT_MS 2000 -> 200" on orders-svc caused')


def test_alerts_on_the_same_service_weigh_more_than_alerts_elsewhere() -> None:
    same = rank_hypotheses(bundle(alerts=(alert("NodeFilesystemAlmostOutOfSpace", service="payment-api"),)))
    elsewhere = rank_hypotheses(bundle(alerts=(alert("NodeFilesystemAlmostOutOfSpace", service="search-indexer"),)))

    assert confidence(same, "disk_full") > confidence(elsewhere, "disk_full") > 0


def test_an_alert_that_started_hours_before_detection_weighs_less_than_a_recent_one() -> None:
    recent = rank_hypotheses(bundle(alerts=(alert("KafkaConsumerLagHigh", minutes_before=5),)))
    old = rank_hypotheses(bundle(alerts=(alert("KafkaConsumerLagHigh", minutes_before=6 * 60),)))

    assert confidence(recent, "queue_backlog") > confidence(old, "queue_backlog")


def test_alert_labels_that_describe_the_fault_count_and_those_that_name_places_do_not() -> None:
    described = rank_hypotheses(bundle(alerts=(alert("KubePodCrashLooping", labels={"reason": "OOMKilled"}),)))
    placed = rank_hypotheses(bundle(alerts=(alert("KubePodCrashLooping", labels={"instance": "redis-cache-0"}),)))

    assert described[0].cause == "memory_leak"
    assert placed == []


def test_a_confirmed_past_cause_on_the_same_service_raises_that_cause() -> None:
    facts = incident("Payment API slow", "p99 up to 8s on checkout calls")
    without = rank_hypotheses(bundle(facts))
    with_past = rank_hypotheses(bundle(facts, past_incidents=(
        past("INC-445", "connection_pool_exhaustion", title="Payment API slow at peak"),)))

    pool = by_cause(with_past)["connection_pool_exhaustion"]
    assert pool.confidence_score > confidence(without, "connection_pool_exhaustion")
    assert "Similar incident INC-445 on payment-api confirmed as connection pool exhaustion" in pool.supporting_evidence


def test_a_past_incident_on_another_service_counts_less_than_one_on_the_same_service() -> None:
    facts = incident("Payment API slow")
    same = rank_hypotheses(bundle(facts, past_incidents=(past("INC-1", "slow_queries"),)))
    other = rank_hypotheses(bundle(facts, past_incidents=(past("INC-1", "slow_queries", service="search-indexer"),)))

    assert confidence(same, "slow_queries") > confidence(other, "slow_queries")


def test_a_cause_people_rejected_on_a_similar_past_incident_is_lowered() -> None:
    facts = incident("Payment API timeouts", POOL_TEXT)
    plain = rank_hypotheses(bundle(facts))
    rejected = rank_hypotheses(bundle(facts, past_incidents=(
        past("INC-9", "slow_queries", title="Payment API timeouts", rejected=("connection_pool_exhaustion",)),)))

    pool = by_cause(rejected)["connection_pool_exhaustion"]
    assert pool.confidence_score < confidence(plain, "connection_pool_exhaustion")
    assert any("INC-9" in s and "rejected connection pool exhaustion" in s for s in pool.contradicting_evidence)


def test_rejected_feedback_lowers_a_cause() -> None:
    evidence = bundle(incident("Payment API timeouts", POOL_TEXT))

    plain = rank_hypotheses(evidence)
    rejected = rank_hypotheses(evidence, feedback={"connection_pool_exhaustion": -2.0})

    pool = by_cause(rejected)["connection_pool_exhaustion"]
    assert pool.confidence_score < confidence(plain, "connection_pool_exhaustion")
    assert any("rejected connection pool exhaustion" in s for s in pool.contradicting_evidence)


def test_confirmed_feedback_raises_a_cause_and_saturates() -> None:
    evidence = bundle(incident("Payment API slow", "latency up, some SQL looks slow, CPU busy"))

    plain = confidence(rank_hypotheses(evidence), "cpu_saturation")
    confirmed = confidence(rank_hypotheses(evidence, feedback={"cpu_saturation": 1.0}), "cpu_saturation")
    very = confidence(rank_hypotheses(evidence, feedback={"cpu_saturation": 100.0}), "cpu_saturation")

    assert plain < confirmed < very < 1.0


def test_feedback_alone_proposes_nothing() -> None:
    assert rank_hypotheses(bundle(incident("Something odd")), feedback={"disk_full": 3.0}) == []


def test_the_interval_narrows_as_evidence_grows() -> None:
    thin = bundle(incident("Payment API timeouts", "HikariPool errors"))
    rich = bundle(incident("Payment API timeouts", POOL_TEXT + " Active connections 50/50, pending threads 180."),
                  alerts=(alert("HikariPendingThreadsHigh", summary="hikaricp_pending_threads 180"),
                          alert("DatabaseConnectionsNearMax", minutes_before=4)),
                  past_incidents=(past("INC-445", "connection_pool_exhaustion", title="Payment API timeouts"),))

    narrow = by_cause(rank_hypotheses(rich))["connection_pool_exhaustion"]
    wide = by_cause(rank_hypotheses(thin))["connection_pool_exhaustion"]

    assert narrow.confidence_upper - narrow.confidence_lower < wide.confidence_upper - wide.confidence_lower
    for h in (narrow, wide):
        assert 0 <= h.confidence_lower <= h.confidence_score <= h.confidence_upper <= 1


def test_evidence_sentences_cite_the_items() -> None:
    evidence = bundle(incident("Payment API timeouts", POOL_TEXT),
                      alerts=(alert("HikariPendingThreadsHigh", summary="pending threads 180", minutes_before=2),),
                      changes=(change(minutes_before=10, version="v2.4.5"),),
                      past_incidents=(past("INC-445", "connection_pool_exhaustion", title="Payment API timeouts"),))

    hypotheses = by_cause(rank_hypotheses(evidence))
    pool, deploy = hypotheses["connection_pool_exhaustion"], hypotheses["bad_deploy"]

    assert "Alert HikariPendingThreadsHigh on payment-api (pending threads 180) started 2 minutes before detection" \
        in pool.supporting_evidence
    assert "Similar incident INC-445 on payment-api confirmed as connection pool exhaustion" in pool.supporting_evidence
    assert any(s.startswith("The incident text mentions") and "Connection is not available" in s
               for s in pool.supporting_evidence)
    assert "Deployment v2.4.5 of payment-api 10 minutes before detection" in deploy.supporting_evidence


def test_claims_name_the_service_and_the_strongest_evidence() -> None:
    evidence = bundle(incident("Ledger writes failing", "PANIC: could not write to file: No space left on device",
                               service="ledger-db"),
                      alerts=(alert("RDSFreeStorageSpaceLow", service="ledger-db", minutes_before=40),))

    top = rank_hypotheses(evidence)[0]

    assert top.cause == "disk_full"
    assert "ledger-db" in top.claim
    assert "No space left on device" in top.claim or "RDSFreeStorageSpaceLow" in top.claim


def test_a_clause_calling_a_thing_normal_speaks_against_its_cause() -> None:
    busy = rank_hypotheses(bundle(incident("Search slow", "Traffic spike from a crawler, CPU high.")))
    flat = rank_hypotheses(bundle(incident("Search slow", "CPU high. Traffic is flat, no crawler.")))

    assert busy[0].cause == "traffic_spike"
    assert flat[0].cause == "cpu_saturation"
    assert any("Traffic is flat" in s for s in by_cause(flat).get("traffic_spike", flat[0]).contradicting_evidence) \
        or "traffic_spike" not in by_cause(flat)


def test_a_consequence_weighs_less_than_the_cause_it_follows() -> None:
    evidence = bundle(incident("Encoding slow", "CPU pegged at 100% on every node. Queue depth growing as a "
                                                "consequence."))

    assert rank_hypotheses(evidence)[0].cause == "cpu_saturation"


def test_mentions_of_the_service_s_own_name_are_not_evidence() -> None:
    facts = incident("order-events-consumer errors", "order-events-consumer returns 500s", "order-events-consumer")

    assert "queue_backlog" not in by_cause(rank_hypotheses(bundle(facts)))


def test_pasted_errors_are_recognised_whatever_their_spelling() -> None:
    assert terms_of("OOMKilled") == terms_of("oom-killed") == terms_of("OOM killed")
    assert terms_of("connections exhausted") == terms_of("Connection is exhausted")[:1] + ("exhaust",)
    assert terms_of("CPU at 97%") == terms_of("cpu 100%")
    for text in ("Pods OOMKilled, exit code 137", "pods oom-killed again", "java.lang.OutOfMemoryError: Java heap"):
        assert rank_hypotheses(bundle(incident("Pods restarting", text)))[0].cause == "memory_leak"


def test_ranks_follow_confidence_and_respect_the_limit() -> None:
    evidence = bundle(incident("Checkout slow", "Redis timeouts, DB CPU 100%, HikariPool waiting, disk 91%"),
                      changes=(change(minutes_before=30),))

    hypotheses = rank_hypotheses(evidence, limit=3)

    assert len(hypotheses) == 3
    assert [h.rank for h in hypotheses] == [1, 2, 3]
    assert [h.confidence_score for h in hypotheses] == sorted((h.confidence_score for h in hypotheses), reverse=True)
    assert rank_hypotheses(evidence, limit=0) == []


def test_an_incident_without_evidence_gets_no_hypotheses() -> None:
    assert rank_hypotheses(bundle(incident("Something is wrong", ""))) == []


def test_ranking_is_deterministic() -> None:
    evidence = bundle(incident("Payment API timeouts", POOL_TEXT), changes=(change(minutes_before=30),),
                      alerts=(alert("HighLatencyP99"),))

    assert rank_hypotheses(evidence) == rank_hypotheses(evidence)


def test_every_hypothesis_is_a_known_cause_with_a_description() -> None:
    evidence = bundle(incident("Everything broken", "5xx, latency, DNS errors, x509 errors, 429s, disk full"))

    for hypothesis in rank_hypotheses(evidence, limit=15):
        assert hypothesis.cause in CAUSE_CLASSES
        assert hypothesis.description and hypothesis.claim and hypothesis.supporting_evidence


def test_a_line_means_its_most_specific_term_not_the_things_it_names_in_passing() -> None:
    line = "socket.gaierror: Temporary failure in name resolution while connecting to redis"
    evidence = bundle(incident("workers erroring on most tasks", line, service="celery-workers"))

    ranked = rank_hypotheses(evidence)

    assert ranked[0].cause == "dns_failure"
    assert confidence(ranked, "cache_failure") < ranked[0].confidence_score / 3


def test_a_cause_that_would_produce_another_cause_s_signs_is_ranked_above_it() -> None:
    queue_alert = alert("SQSQueueDepthHigh", summary="ApproximateNumberOfMessagesVisible 61k, queue depth growing")
    dns_alert = alert("EmailSendErrors", summary="UnknownHostException: email-smtp.eu-west-1.amazonaws.com")

    alone = rank_hypotheses(bundle(incident("emails not sending"), alerts=(queue_alert,)))
    with_cause = rank_hypotheses(bundle(incident("emails not sending"), alerts=(queue_alert, dns_alert)))

    assert alone[0].cause == "queue_backlog"  # a symptom class with nothing to explain it is still the answer
    assert with_cause[0].cause == "dns_failure"
    backlog = by_cause(with_cause)["queue_backlog"]
    assert backlog.contradicting_evidence[0] == "A DNS failure (alert EmailSendErrors) would produce these signs too"


def test_a_cause_mentioned_in_passing_explains_nothing() -> None:
    backlog = ("SQS queue depth 80k and growing, oldest message 40 minutes: the consumers crashed on a poison "
               "message")
    alone = rank_hypotheses(bundle(incident("orders not processed", backlog)))
    with_a_mention = rank_hypotheses(bundle(incident("orders not processed", f"{backlog}. The site had a few "
                                                                             "more users than usual.")))

    assert with_a_mention[0].cause == "queue_backlog"
    assert confidence(with_a_mention, "queue_backlog") >= confidence(alone, "queue_backlog") - 0.02
    assert not any("would produce" in s for s in by_cause(with_a_mention)["queue_backlog"].contradicting_evidence)


def test_the_words_that_call_a_thing_normal_do_not_include_comparisons_that_name_the_cause() -> None:
    ranked = rank_hypotheses(bundle(incident("checkout slow", "As expected after the flash sale campaign went "
                                                              "out, a traffic spike: requests per second 10x")))

    assert ranked[0].cause == "traffic_spike"


@pytest.mark.parametrize(("text", "terms"), [
    ("dial tcp: lookup ledger on 10.96.0.10:53: i/o timeout", {"dns"}),
    ("connect ECONNREFUSED cache-1:6379", {"redis"}),
    ("at 10:53 UTC the errors began", set()),
    ("NullPointerException at Pay.charge(Pay.java:53)", set()),
    ("2026-03-02T10:53:12Z request failed", set()),
])
def test_a_well_known_port_after_a_host_names_its_service_and_clocks_and_source_lines_do_not(
        text: str, terms: set[str]) -> None:
    assert set(terms_of(text)) & {"dns", "redis"} == terms


def test_a_projects_prior_for_a_cause_explains_nothing_about_the_incident() -> None:
    outage = incident("payments failing", "The payment provider's status page shows a major outage, their API "
                                          "answers 503. We lowered a TTL last month")

    ranked = rank_hypotheses(bundle(outage), feedback={"dns_failure": 3.0})

    assert ranked[0].cause == "dependency_outage"
    assert not any("would produce" in s for s in ranked[0].contradicting_evidence)


def test_a_guess_weighs_less_than_what_was_seen() -> None:
    guessed = rank_hypotheses(bundle(incident("invoices page slow", "Support thinks it might be Redis. The slow "
                                                                    "query log shows a seq scan on invoices")))
    stated = rank_hypotheses(bundle(incident("invoices page slow", "Redis is down. The slow query log shows a seq "
                                                                   "scan on invoices")))

    assert guessed[0].cause == "slow_queries"
    assert confidence(guessed, "cache_failure") < confidence(stated, "cache_failure")


def test_a_low_percentage_speaks_against_saturation_and_a_low_hit_rate_for_a_cache_failure() -> None:
    calm = rank_hypotheses(bundle(incident("api slow", "p99 4s. CPU 22% on every node")))
    missing = rank_hypotheses(bundle(incident("api slow", "p99 4s, cache hit rate 4% (usually 93%)")))

    assert "cpu_saturation" not in by_cause(calm)  # "CPU 22%" mentions CPU only to say it is not busy
    assert missing[0].cause == "cache_failure"
    assert confidence(missing, "cache_failure") > 0.5  # 0.41 when only "cache hit rate" counted


def test_a_refused_connection_to_another_system_is_that_system_being_down() -> None:
    ranked = rank_hypotheses(bundle(incident("card payments declined", "java.net.ConnectException: Connection "
                                                                       "refused: card-gw-2.partner.example:7003")))

    assert ranked[0].cause == "dependency_outage"


@pytest.mark.parametrize(("text", "cause"), [
    ("No space left on device on db-1. Disk 4% free", "disk_full"),
    ("pods OOMKilled every hour; memory 8% free on the node", "memory_leak"),
    ("CPU 35% -> 100% in five minutes", "cpu_saturation"),
    ("cpu throttling on every pod, CPU +45% week over week", "cpu_saturation"),
    ("the maybe-queue consumer lag is 2M messages and growing", "queue_backlog"),
])
def test_a_percentage_of_what_is_left_or_how_much_it_grew_and_a_word_inside_a_name_are_no_levels_or_guesses(
        text: str, cause: str) -> None:
    ranked = rank_hypotheses(bundle(incident("api slow", text)))

    assert ranked and ranked[0].cause == cause
    assert ranked[0].confidence_score >= 0.19
