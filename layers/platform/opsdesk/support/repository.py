"""The SupportStore on DynamoDB (pynamodb): SupportRepository, one object of the store's parts, each a repository
of its own on the SupportTable (one concern each, usable alone) over what they share (table_repository: the table
binding, the transactions, the counters). No pynamodb object leaves them.

    catalog_repository  CatalogRepository      customers, environments, planes
    issue_repository    IssueRepository        issues, their sequences, lists and counters, the issue totals
    usage_repository    UsageRepository        documentation feedback and views, AI usage
    help_repository     HelpSessionRepository  help sessions and their counts

Item layout (docs/data-model.md has the whole table):
    customer      pk T#<tenant>#CUSTOMERS            sk C#<customerId>
    environment   pk T#<tenant>#C#<customerId>#ENVS  sk E#<environmentId>
    plane         pk T#<tenant>#PLANES               sk P#<planeId>
    issue         pk T#<tenant>#I#<issueId>          sk ISSUE
                  + list keys: tenantListPk, customerListPk, planeListPk, statusListPk; listSk = <createdAt>#<id>
    sequence      pk T#<tenant>#SEQ                  sk ISSUE#<year>        n = last number taken
    counters      pk T#<tenant>#STATS                sk ALL | D#<yyyy-mm-dd>   one number attribute per dimension
    resolutions   pk T#<tenant>#RESOLUTIONS          sk ALL | D#<yyyy-mm-dd>   `resolved`, `resolutionSeconds`
    help stats    pk T#<tenant>#HELPSTATS            sk ALL | D#<yyyy-mm-dd>   `sessions`, `escalated` (start day)
    help session  pk T#<tenant>#HELP#U#<userId>      sk SESSION             the user's latest help session
    doc stats     pk T#<tenant>#DOCSTATS             sk ALL#<url> | M#<yyyy-mm>#<url>   views, feedback, helpful

A dimension is `all`, `customer:<id>`, `plane:<primaryPlaneId>` or `status:<status>`. Counters move in the
same transaction as the issue they count (two item updates), so `pagination.total` is one GetItem for a single
filter, and a date range adds one Query over day items plus the issues of its two partial edge days.
"""

from __future__ import annotations

from opsdesk.support.catalog_repository import CatalogRepository
from opsdesk.support.help_repository import HelpSessionRepository
from opsdesk.support.issue_repository import IssueRepository
from opsdesk.support.usage_repository import UsageRepository


class SupportRepository(CatalogRepository, IssueRepository, UsageRepository, HelpSessionRepository):
    """The whole SupportStore, for the handlers and scripts that build one SupportService: the four parts on one
    table binding and one transaction connection (SupportTableRepository's constructor, run once). With an event
    log, writes publish their events in the same transaction."""
