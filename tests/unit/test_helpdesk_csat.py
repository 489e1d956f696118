"""CSAT tokens, answers and the public form (opsdesk.helpdesk.csat) over an in-memory store."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from opsdesk.errors import NotFound, ValidationFailed
from opsdesk.helpdesk.csat import (
    ALREADY_ANSWERED,
    PAGE_HEADERS,
    CsatService,
    CsatToken,
    CsatTokenUsed,
    Score,
    TicketSummary,
    hash_token,
    new_survey_token,
    parse_score,
    render_answered,
    render_form,
    render_not_found,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TENANT, TICKET, REQUESTER = "tenant-a", "ticket-1", "requester-1"


class InMemoryCsatStore:
    """The store's contract: items keyed by token hash; an answer is a conditional write (unused only)."""

    def __init__(self) -> None:
        self.items: dict[str, CsatToken] = {}
        self.tally: dict[tuple[str, Score], int] = {}
        self._lock = threading.Lock()

    def put(self, survey: CsatToken) -> None:
        self.items[survey.token_hash] = survey

    def get_csat_token(self, token_hash: str) -> CsatToken | None:
        return self.items.get(token_hash)

    def record_csat_answer(self, token: CsatToken, score: Score, answered_at: datetime) -> None:
        with self._lock:
            current = self.items[token.token_hash]
            if current.used:
                raise CsatTokenUsed
            self.items[token.token_hash] = replace(current, score=score, answered_at=answered_at.isoformat())
            self.tally[(token.tenant_id, score)] = self.tally.get((token.tenant_id, score), 0) + 1


@pytest.fixture
def store() -> InMemoryCsatStore:
    return InMemoryCsatStore()


@pytest.fixture
def service(store: InMemoryCsatStore) -> CsatService:
    return CsatService(store)


@pytest.fixture
def token(store: InMemoryCsatStore) -> str:
    raw, survey = new_survey_token(TENANT, TICKET, REQUESTER, NOW)
    store.put(survey)
    return raw


# Tokens


def test_token_is_url_safe_and_carries_256_random_bits() -> None:
    tokens = {new_survey_token(TENANT, TICKET, REQUESTER, NOW)[0] for _ in range(200)}

    assert len(tokens) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)


def test_a_survey_keeps_only_the_hash_of_its_token() -> None:
    raw, survey = new_survey_token(TENANT, TICKET, REQUESTER, NOW)

    assert survey.token_hash == hashlib.sha256(raw.encode()).hexdigest() == hash_token(raw)
    assert raw not in repr(survey)


def test_a_survey_names_its_tenant_ticket_requester_and_expiry() -> None:
    _, survey = new_survey_token(TENANT, TICKET, REQUESTER, NOW)

    assert (survey.tenant_id, survey.ticket_id, survey.requester_id) == (TENANT, TICKET, REQUESTER)
    assert survey.created_at == "2026-03-02T09:00:00.000Z"
    assert survey.expires_at == int((NOW + timedelta(days=30)).timestamp())
    assert not survey.used


# Finding and answering


def test_a_valid_token_finds_its_ticket(service: CsatService, token: str) -> None:
    found = service.find(token, NOW)

    assert (found.tenant_id, found.ticket_id, found.used) == (TENANT, TICKET, False)


@pytest.mark.parametrize("bad", ["", "nope", "x" * 500])
def test_unknown_or_malformed_token_is_not_found(service: CsatService, bad: str) -> None:
    with pytest.raises(NotFound):
        service.find(bad, NOW)


def test_expired_token_is_not_found(service: CsatService, token: str) -> None:
    with pytest.raises(NotFound):
        service.find(token, NOW + timedelta(days=30))


def test_answer_is_recorded_once_and_counted(service: CsatService, store: InMemoryCsatStore, token: str) -> None:
    answered = service.answer(token, "good", NOW)

    assert answered.score == "good"
    assert store.items[hash_token(token)].used
    assert store.tally == {(TENANT, "good"): 1}


def test_second_answer_is_refused_and_changes_nothing(
    service: CsatService, store: InMemoryCsatStore, token: str
) -> None:
    service.answer(token, "good", NOW)

    with pytest.raises(ValidationFailed) as refused:
        service.answer(token, "bad", NOW)

    assert refused.value.message == ALREADY_ANSWERED
    assert refused.value.details == []
    assert store.items[hash_token(token)].score == "good"
    assert store.tally == {(TENANT, "good"): 1}


def test_answer_that_loses_a_race_is_refused(service: CsatService, store: InMemoryCsatStore, token: str) -> None:
    # Given the token is read unused, then answered by someone else before our write
    stale = store.items[hash_token(token)]
    store.record_csat_answer(stale, "bad", NOW)
    store.get_csat_token = lambda _hash: stale  # type: ignore[method-assign]

    # When we answer, Then the conditional write refuses it
    with pytest.raises(ValidationFailed, match=ALREADY_ANSWERED):
        service.answer(token, "good", NOW)
    assert store.tally == {(TENANT, "bad"): 1}


def test_concurrent_answers_record_exactly_one(service: CsatService, store: InMemoryCsatStore, token: str) -> None:
    outcomes: list[str] = []

    def answer(score: Score) -> None:
        try:
            service.answer(token, score, NOW)
            outcomes.append("ok")
        except ValidationFailed:
            outcomes.append("refused")

    threads = [threading.Thread(target=answer, args=("good" if i % 2 else "bad",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok"] + ["refused"] * 7
    assert sum(store.tally.values()) == 1


# Parsing the answer


@pytest.mark.parametrize(
    ("body", "content_type", "score"),
    [
        ("score=good", "application/x-www-form-urlencoded", "good"),
        (b"score=bad", "application/x-www-form-urlencoded; charset=UTF-8", "bad"),
        ('{"score": "good"}', "application/json", "good"),
        ('{"score":"bad"}', None, "bad"),
        ("score=good", None, "good"),
    ],
)
def test_score_is_read_from_a_form_or_json(body: str | bytes, content_type: str | None, score: str) -> None:
    assert parse_score(body, content_type) == score


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("score=meh", "application/x-www-form-urlencoded"),
        ("score=good&score=bad", "application/x-www-form-urlencoded"),
        ("", "application/x-www-form-urlencoded"),
        (None, None),
        ('{"score": 1}', "application/json"),
        ("[\"good\"]", "application/json"),
        ("{not json", "application/json"),
        ("score=GOOD", "application/x-www-form-urlencoded"),
    ],
)
def test_bad_score_is_a_validation_error_naming_score(body: str | None, content_type: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_score(body, content_type)

    assert [(d.field, d.message) for d in refused.value.details] == [("score", "score must be good or bad")]


# Pages


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def test_form_is_a_real_form_posting_score_good_or_bad_to_its_own_url() -> None:
    page = _parse(render_form(TicketSummary(number=42, title="VPN down")))

    forms = [attrs for tag, attrs in page.tags if tag == "form"]
    radios = [attrs for tag, attrs in page.tags if tag == "input"]
    assert forms == [{"method": "post"}]  # no action: it posts back to the survey link itself
    choices = [(r["type"], r["name"], r["value"]) for r in radios]
    assert choices == [("radio", "score", "good"), ("radio", "score", "bad")]
    assert any(tag == "button" and attrs.get("type") == "submit" for tag, attrs in page.tags)


def test_form_is_accessible_and_self_contained() -> None:
    page_text = render_form(None)
    page = _parse(page_text)

    assert ("html", {"lang": "en"}) in page.tags
    assert any(tag == "title" for tag, _ in page.tags)
    assert any(tag == "legend" for tag, _ in page.tags)
    # every radio sits inside a <label>, so its text is its accessible name
    assert page_text.count("<label><input") == 2
    # no script, no external asset of any kind
    assert not any(tag in {"script", "link", "img", "iframe"} for tag, _ in page.tags)
    assert "http" not in page_text


def test_ticket_title_is_html_escaped() -> None:
    page = render_form(TicketSummary(number=7, title='<script>alert("x")</script> & co'))

    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page


def test_answered_and_not_found_pages_have_no_form() -> None:
    assert "<form" not in render_answered(TicketSummary(number=1, title="t"))
    assert "<form" not in render_not_found()
    assert "not valid or has expired" in render_not_found()


def test_pages_are_served_with_a_strict_policy_and_no_referrer() -> None:
    assert "default-src 'none'" in PAGE_HEADERS["Content-Security-Policy"]
    assert "form-action 'self'" in PAGE_HEADERS["Content-Security-Policy"]
    assert PAGE_HEADERS["Referrer-Policy"] == "no-referrer"
    assert PAGE_HEADERS["Cache-Control"] == "no-store"


def test_a_request_answer_refuses_a_used_survey_before_it_reads_the_score(service: CsatService, token: str) -> None:
    from opsdesk.helpdesk.csat import SurveyAlreadyAnswered

    survey = service.find(token, NOW)
    with pytest.raises(ValidationFailed) as bad_score:
        service.answer_from_request(survey, "score=meh", "application/x-www-form-urlencoded", NOW)
    service.answer_from_request(survey, "score=good", "application/x-www-form-urlencoded", NOW)

    with pytest.raises(SurveyAlreadyAnswered):
        service.answer_from_request(service.find(token, NOW), "score=meh", "application/x-www-form-urlencoded", NOW)
    assert [d.field for d in bad_score.value.details] == ["score"]
    assert service.find(token, NOW).score == "good"
