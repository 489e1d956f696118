"""The helpdesk functions: the TicketsTable, mail, attachments, exports, SLA checks, metrics."""

from __future__ import annotations

from opsdesk.settings import MAIL_ADDRESS_PATTERN, PUBLIC_URL_PATTERN, PlatformSettings, empty_is_unset, setting


class HelpdeskSettings(PlatformSettings):
    """The helpdesk functions: the TicketsTable. Those that publish events also load EventLogSettings (through
    opsdesk.eventlog), so a function without the event log's table still starts."""

    tickets_table_name: str = setting("TICKETS_TABLE_NAME", min_length=3)
    cursor_key_secret_arn: str | None = setting("CURSOR_KEY_SECRET_ARN", default=None)
    """The secret holding the key that signs list cursors (opsdesk.cursors); read on the first cursor."""


class HelpdeskMailSettings(HelpdeskSettings):
    """helpdesk_tickets: the CSAT survey mail a resolve sends to the requester (opsdesk.helpdesk.mail). Without
    either variable no mail is sent (a warning at cold start) and tickets still resolve."""

    mail_from: str | None = setting("HELPDESK_MAIL_FROM", default=None, pattern=MAIL_ADDRESS_PATTERN, max_length=254,
                                    before=empty_is_unset)
    """The sender address: a verified SES identity (the address or its domain)."""
    public_url: str | None = setting("HELPDESK_PUBLIC_URL", default=None, pattern=PUBLIC_URL_PATTERN, max_length=512,
                                    before=empty_is_unset)
    """Where the modules are served (the custom domain; locally the gateway): the survey link is
    `<HELPDESK_PUBLIC_URL>/helpdesk/csat/<token>`."""


class HelpdeskAttachmentSettings(HelpdeskSettings):
    """helpdesk_attachments: the bucket uploads go to (presigned PUT), and the limits of an upload."""

    attachments_bucket: str = setting("ATTACHMENTS_BUCKET", min_length=3)
    attachment_max_bytes: int = setting("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024, gt=0,
                                      le=5 * 1024**3)
    """Largest file accepted (25 MiB); a single PUT takes at most 5 GiB."""
    attachment_upload_seconds: int = setting("ATTACHMENT_UPLOAD_URL_SECONDS", default=900, ge=60, le=3600)


class HelpdeskExportSettings(HelpdeskSettings):
    """helpdesk_exports: the bucket CSV exports go to (objects expire by a lifecycle rule), and how long the
    download link lives."""

    exports_bucket: str = setting("EXPORTS_BUCKET", min_length=3)
    export_url_seconds: int = setting("EXPORT_URL_SECONDS", default=300, ge=30, le=3600)


class HelpdeskSlaCheckSettings(HelpdeskSettings):
    """helpdesk_sla_check (scheduled): how far back it looks for due tickets, so runs missed during an outage
    are caught up."""

    sla_check_lookback_hours: int = setting("SLA_CHECK_LOOKBACK_HOURS", default=24, ge=1, le=168)


class HelpdeskMetricsSettings(HelpdeskSettings):
    """helpdesk_metrics (public Prometheus text): the build it reports."""

    build_version: str = setting("OPSDESK_BUILD_VERSION", default="", max_length=64)
