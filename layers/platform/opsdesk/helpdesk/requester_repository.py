"""RequesterRepository: the helpdesk's requesters on the TicketsTable, each with the claim on its email that
keeps emails unique per tenant (one transaction)."""

from __future__ import annotations

from pynamodb.transactions import TransactWrite

from opsdesk.dynamo import Outcome, get_item
from opsdesk.errors import Conflict, DomainError, ValidationFailed
from opsdesk.helpdesk.items import EmailItem, RequesterItem, requester_item, requester_record
from opsdesk.helpdesk.keys import EMAIL_SK, REQUESTER_SK, email_pk, requester_pk
from opsdesk.helpdesk.records import Requester
from opsdesk.helpdesk.table_repository import TicketsTableRepository


class RequesterRepository(TicketsTableRepository):
    """Requesters and their email claims."""

    def create_requester(self, tenant_id: str, requester: Requester) -> None:
        item = requester_item(tenant_id, requester)
        claim = EmailItem(email_pk(tenant_id, requester.email_key), EMAIL_SK, requesterId=requester.id)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=RequesterItem.pk.does_not_exist())
            tx.save(claim, condition=EmailItem.pk.does_not_exist())

        def outcome() -> Outcome:
            return Outcome.DONE if self.get_requester(tenant_id, requester.id) == requester else Outcome.CONFLICT

        self._commit(write, _email_taken, outcome)

    def get_requester(self, tenant_id: str, requester_id: str) -> Requester | None:
        item = get_item(RequesterItem, requester_pk(tenant_id, requester_id), REQUESTER_SK)
        return requester_record(item) if item else None

    def update_requester(self, tenant_id: str, before: Requester, after: Requester) -> None:
        item = requester_item(tenant_id, after)
        moves_email = before.email_key != after.email_key

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=RequesterItem.version == before.version)
            if moves_email:
                tx.delete(EmailItem(email_pk(tenant_id, before.email_key), EMAIL_SK),
                          condition=EmailItem.requesterId == before.id)
                tx.save(EmailItem(email_pk(tenant_id, after.email_key), EMAIL_SK, requesterId=after.id),
                        condition=EmailItem.pk.does_not_exist())

        def outcome() -> Outcome:
            return Outcome.DONE if self.get_requester(tenant_id, after.id) == after else Outcome.CONFLICT

        def conflict() -> DomainError:
            current = self.get_requester(tenant_id, before.id)
            if current is not None and current.version != before.version:
                return Conflict("The requester was changed by someone else; reload it and retry")
            return _email_taken()

        self._commit(write, conflict, outcome)


def _email_taken() -> DomainError:
    # A 400 naming the field: the document lists 400 (not 409) for the requester routes' bad input.
    return ValidationFailed.on_field("email", "A requester with this email already exists")

