"""The audit log's hash chain: each entry of a ticket carries the hash of the one before it and its own hash over
its content and that link, so editing, removing or reordering any entry breaks every hash after it, unless the
same write recomputes them all and the head (the hash is unkeyed: docs/decisions.md, Aura, "Hash chain"). The
ticket keeps the chain's head (sequence and hash), written in the same conditioned transaction as the entries:
two writers cannot both append entry n."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from opsdesk.aura.codec import audit_doc, compact
from opsdesk.aura.counters import ticket_audit_keys
from opsdesk.aura.records import AuditEntry, Ticket
from opsdesk.frozen import frozen

GENESIS = "0" * 64


def entry_hash(entry: AuditEntry) -> str:
    """sha256 over the entry's content with its `previousHash` (never over its own hash)."""
    return hashlib.sha256(compact(audit_doc(entry)).encode()).hexdigest()


def append(ticket: Ticket, entries: Iterable[AuditEntry]) -> tuple[Ticket, tuple[AuditEntry, ...]]:
    """Numbers and links `entries` after the ticket's head; the ticket with its new head and counts."""
    sequence, head = ticket.audit_sequence, ticket.audit_head or GENESIS
    counts: Counter[str] = Counter(ticket.audit_counts)
    linked: list[AuditEntry] = []
    for entry in entries:
        sequence += 1
        numbered = replace(entry, sequence=sequence, previous_hash=head, hash="")
        head = entry_hash(numbered)
        linked.append(replace(numbered, hash=head))
        counts.update(ticket_audit_keys(numbered))
    if not linked:
        return ticket, ()
    return replace(ticket, audit_sequence=sequence, audit_head=head, audit_counts=dict(counts)), tuple(linked)


@frozen
class ChainReport:
    intact: bool
    entries: int
    first_broken_sequence: int | None
    reason: str | None


def verify(entries: Iterable[AuditEntry], head_sequence: int, head_hash: str) -> ChainReport:
    """Whether the stored entries are exactly the chain the ticket's head commits to."""
    expected_previous, expected_sequence, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        if entry.sequence != expected_sequence:
            return ChainReport(False, count, expected_sequence, "an entry is missing or out of order")
        if entry.previous_hash != expected_previous:
            return ChainReport(False, count, entry.sequence, "the link to the previous entry does not match")
        if entry_hash(replace(entry, hash="")) != entry.hash:
            return ChainReport(False, count, entry.sequence, "the entry's content does not match its hash")
        expected_previous, expected_sequence = entry.hash, expected_sequence + 1
    if count != head_sequence or (count and expected_previous != head_hash):
        return ChainReport(False, count, count + 1 if count < head_sequence else head_sequence,
                           "the chain does not end where the ticket's head says")
    return ChainReport(True, count, None, None)
