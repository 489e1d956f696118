"""The query strings of the helpdesk's list routes (GET /tickets, GET /tickets/{id}/comments): filters, search
words (read as the index holds them: opsdesk.helpdesk.workflow.search_words) and pages. Separate from the service:
only the tickets route parses them. Also the id forms that bodies and queries both accept. No pydantic here (the
request bodies in opsdesk.helpdesk.requests load it), so the tickets function imports this at cold start."""

from __future__ import annotations

import re
from collections.abc import Mapping

from opsdesk.auth import Principal
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.helpdesk.records import NO_TEAM, UNASSIGNED, TicketFilters, TicketStatus
from opsdesk.helpdesk.sla import PRIORITIES
from opsdesk.helpdesk.workflow import (
    MAX_WORD_LENGTH,
    MIN_WORD_LENGTH,
    search_words,
    stop_words_alone,
    stop_words_in,
)
from opsdesk.pagination import CursorRequest, parse_cursor_request

USER_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$")
"""A user's id as the identity provider gives it (a Cognito `sub` is a UUID), or a requester's id."""
TEAM_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
STATUS_VALUES = ", ".join(s.value for s in TicketStatus)
DEFAULT_TICKET_PAGE, MAX_TICKET_PAGE = 50, 100
DEFAULT_COMMENT_PAGE, MAX_COMMENT_PAGE = 200, 500
MAX_SEARCH_WORDS = 8


def user_id_value(value: str) -> str:
    if not USER_ID_PATTERN.fullmatch(value):
        raise ValueError("must be a user id (letters, digits and ._@:- , at most 128)")
    return value

def parse_ticket_filters(query: Mapping[str, str], principal: Principal) -> TicketFilters:
    """`status`, `priority`, `team` (a team id or `none`), `assignee` (a user id, `me` or `none`). A parameter
    sent empty is a value like any other, and refused as one."""
    problems: list[FieldError] = []
    status = query.get("status")
    if status is not None and status not in {s.value for s in TicketStatus}:
        problems.append(FieldError("status", f"Must be one of: {STATUS_VALUES}"))
    priority = query.get("priority")
    if priority is not None and priority not in PRIORITIES:
        problems.append(FieldError("priority", f"Must be one of: {', '.join(PRIORITIES)}"))
    team = query.get("team")
    if team is not None and team != NO_TEAM and not TEAM_ID_PATTERN.fullmatch(team):
        problems.append(FieldError("team", "Must be a team id or none"))
    assignee = query.get("assignee")
    if assignee == "me":
        assignee = principal.user_id
    elif assignee is not None and assignee != UNASSIGNED and not USER_ID_PATTERN.fullmatch(assignee):
        problems.append(FieldError("assignee", "Must be a user id, me or none"))
    if problems:
        raise ValidationFailed("Invalid query parameters", details=problems)
    return TicketFilters(status=None if status is None else TicketStatus(status), priority=priority, team_id=team,
                         assignee_id=assignee)


def parse_ticket_search(query: Mapping[str, str]) -> list[str] | None:
    """The words of `search` (every one must match), or None without it."""
    if "search" not in query:
        return None
    words = search_words(query["search"])
    if not words:
        if stop_words_alone(query["search"]):
            common = stop_words_in(query["search"])
            raise ValidationFailed.on_field(
                "search", f"Too common to search by: {', '.join(common)}. Add a word that narrows the search")
        raise ValidationFailed.on_field(
            "search", f"Give a word of {MIN_WORD_LENGTH} to {MAX_WORD_LENGTH} letters or digits")
    if len(words) > MAX_SEARCH_WORDS:
        raise ValidationFailed.on_field("search", f"Give at most {MAX_SEARCH_WORDS} words")
    return words


def parse_ticket_page(query: Mapping[str, str]) -> CursorRequest:
    return parse_cursor_request(query, default_limit=DEFAULT_TICKET_PAGE, max_limit=MAX_TICKET_PAGE)


def parse_comment_page(query: Mapping[str, str]) -> CursorRequest:
    return parse_cursor_request(query, default_limit=DEFAULT_COMMENT_PAGE, max_limit=MAX_COMMENT_PAGE)
