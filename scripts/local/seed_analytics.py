"""Two months of support history for the demo tenant, so `make dev` opens on an analytics dashboard with trends:
customers searching the docs (help sessions and article views), some of them filing issues afterwards, agents
resolving them hours later, and feedback on articles. Deterministic (a seeded Random) and written through the
same service as live requests, with the service's clock moved through the past."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from opsdesk.auth import Principal
from opsdesk.search.model import SearchHit, load_articles
from opsdesk.support.docs import DEMO_PLANE_NAMES
from opsdesk.support.repository import SupportRepository
from opsdesk.support.requests import DocFeedbackRequest, UpdateIssueRequest
from opsdesk.support.service import SupportService
from scripts.local.seed import ISSUE_SPECS, issue_request

CORPUS = Path(__file__).resolve().parents[2] / "docs" / "corpus"
HISTORY_DAYS = 60
CUSTOMER_USERS = 12
SESSIONS_PER_DAY = (0, 3)
FEEDBACK_SHARE = 0.4
ESCALATION_SHARE = 0.45
RESOLVED_SHARE = 0.8


class _History:
    """The service with its clock moved through the past."""

    def __init__(self, repository: SupportRepository, tenant_id: str, now: datetime, seed: int) -> None:
        self.tenant_id = tenant_id
        self.end = now
        self.now = now - timedelta(days=HISTORY_DAYS)
        self.rng = random.Random(seed)
        self.service = SupportService(repository, clock=lambda: self.now)
        self.agent = Principal(user_id="demo-agent", tenant_id=tenant_id, username="demo-agent",
                               groups=frozenset({"agent"}))
        self.articles = load_articles(CORPUS, DEMO_PLANE_NAMES)

    def help_session(self, day: int) -> None:
        """A customer searches, maybe marks an article, and maybe files an issue a few minutes later."""
        rng = self.rng
        self.now = self.end - timedelta(days=HISTORY_DAYS - day) + timedelta(hours=rng.uniform(8, 18))
        user = Principal(user_id=f"demo-customer-{rng.randint(1, CUSTOMER_USERS)}", tenant_id=self.tenant_id,
                         username="demo-customer", groups=frozenset())
        spec = rng.choice(ISSUE_SPECS)
        shown = rng.sample([a for a in self.articles if a.plane_slug == spec[2]], k=3)
        self.service.record_help_activity(user, rng.choice(("search", "chat")))
        self.service.record_doc_views(user, [SearchHit(title=a.title, type=a.type, excerpt="", url=a.url,
                                                       relevance=1.0, plane=a.plane_name) for a in shown])
        if rng.random() < FEEDBACK_SHARE:
            self.service.record_feedback(user, DocFeedbackRequest(docUrl=shown[0].url, docType=shown[0].type,
                                                                  helpful=rng.random() < 0.6))
        if rng.random() < ESCALATION_SHARE:
            self.now += timedelta(minutes=rng.uniform(5, 40))
            issue = self.service.create_issue(user, issue_request(self.tenant_id, spec))
            self.work_on(issue.id)

    def work_on(self, issue_id: str) -> None:
        """An agent picks the issue up within hours and resolves most a few hours to two days later; what would
        happen after today does not happen."""
        self.now += timedelta(hours=self.rng.uniform(0.5, 4))
        if self.now >= self.end:
            return
        self.service.update_issue(self.agent, issue_id, UpdateIssueRequest(status="in_progress"))
        self.now += timedelta(hours=self.rng.uniform(2, 48))
        if self.rng.random() < RESOLVED_SHARE and self.now < self.end:
            self.service.update_issue(self.agent, issue_id, UpdateIssueRequest(status="resolved"))


def seed_support_history(repository: SupportRepository, tenant_id: str, now: datetime, seed: int = 7) -> None:
    history = _History(repository, tenant_id, now, seed)
    for day in range(HISTORY_DAYS):
        for _ in range(history.rng.randint(*SESSIONS_PER_DAY)):
            history.help_session(day)
