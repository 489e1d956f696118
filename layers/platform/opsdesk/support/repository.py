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
    counters      pk T#<tenant>#STATS                sk ALL | D#<day> | H#<hour>   a number per name naming no customer
                  pk T#<tenant>#STATS#C#<customerId>  (the same)            a number per name naming the customer
    resolutions   pk T#<tenant>#RESOLUTIONS          sk ALL | D#<yyyy-mm-dd>   `resolved`, `resolutionSeconds`
    help stats    pk T#<tenant>#HELPSTATS            sk ALL | D#<yyyy-mm-dd>   `sessions`, `escalated` (start day)
    help session  pk T#<tenant>#HELP#U#<userId>      sk SESSION             the user's latest help session
    doc stats     pk T#<tenant>#DOCSTATS             sk ALL#<url> | M#<yyyy-mm>#<url>   views, feedback, helpful

A dimension is `all`, `customer:<id>`, `plane:<primaryPlaneId>` or `status:<status>`. Counters move in the
same transaction as the issue they count (the all-time, day and hour items of the tenant and of the customer), so
`pagination.total` is one Query of counter items for a filter set, and a date range adds the day items inside it,
hour items added or taken off at its edge days, and the issues of its two partial edge hours (counters.cover).
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
