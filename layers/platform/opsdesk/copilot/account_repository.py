"""AccountRepository: the copilot's tenants, users, projects and members on the IncidentsTable. A membership
change is one transaction: the member item, the user's role map and the project's owner count."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from functools import partial

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk.clock import to_rfc3339, utc_now
from opsdesk.copilot import keys
from opsdesk.copilot.items import (
    RecordItem,
    email_item,
    integration_record,
    member_item,
    member_record,
    project_item,
    project_record,
    slug_item,
    tenant_item,
    tenant_record,
    user_item,
    user_record,
)
from opsdesk.copilot.monitoring_repository import count_integrations, gone_already, stage_integration_delete
from opsdesk.copilot.purge_repository import stage_purge_marker
from opsdesk.copilot.records import Integration, Member, Project, Role, Tenant, User
from opsdesk.copilot.table_repository import CopilotTableRepository, changed
from opsdesk.dynamo import Outcome, domain_error_for, get_item, record_items_read
from opsdesk.errors import Conflict, DomainError

MEMBERS_PER_TRANSACTION = 49
"""A membership and the member's roles are two items: 49 of them beside the project (deleted with its purge marker,
or checked unchanged) make the 100 items a DynamoDB transaction may hold. A larger project loses its other members
49 at a time, then goes with its last 49, the owners among them (delete_project)."""
MEMBERSHIP_ATTEMPTS = 3


def membership_chunks(members: Sequence[Member], size: int) -> list[list[Member]]:
    """`members` in transactions of at most `size`, each member in one: the last `size` (the owners, sorted last)
    go with the project, the others before them."""
    split = max(len(members) - size, 0)
    return [list(members[start:min(start + size, split)]) for start in range(0, split, size)] + [list(members[split:])]


class AccountRepository(CopilotTableRepository):
    """Tenants (with their slugs), users (with their email lookups), projects and their members."""

    def create_tenant(self, tenant: Tenant, user: User, project: Project, owner: Member) -> None:
        def write(tx: TransactWrite) -> None:
            tx.save(slug_item(tenant), condition=RecordItem.pk.does_not_exist())
            tx.save(tenant_item(tenant), condition=RecordItem.pk.does_not_exist())
            tx.save(user_item(user), condition=RecordItem.pk.does_not_exist())
            tx.save(email_item(user))
            tx.save(project_item(replace(project, owner_count=1)), condition=RecordItem.pk.does_not_exist())
            tx.save(member_item(tenant.id, owner))

        def outcome() -> Outcome:  # our own earlier attempt, or someone else's tenant with the slug
            ours = self.get_tenant(tenant.id) == tenant_record(tenant_item(tenant))
            return Outcome.DONE if ours else Outcome.CONFLICT

        self._commit(write, changed(f"Slug {tenant.slug} is taken"), outcome)

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        item = get_item(RecordItem, keys.tenant_pk(tenant_id), keys.TENANT_SK)
        return tenant_record(item) if item else None

    def get_user(self, tenant_id: str, user_id: str) -> User | None:
        item = get_item(RecordItem, keys.tenant_pk(tenant_id), keys.user_sk(user_id))
        return user_record(item) if item else None

    def find_user_by_email(self, tenant_id: str, email: str) -> User | None:
        lookup = get_item(RecordItem, keys.tenant_pk(tenant_id), keys.email_sk(email))
        return self.get_user(tenant_id, lookup.refId) if lookup and lookup.refId else None

    def set_current_project(self, user: User, project_id: str | None) -> User:
        after = replace(user, current_project_id=project_id, version=user.version + 1)
        self._commit(lambda tx: tx.save(user_item(after), condition=RecordItem.version == user.version),
                     changed("The user changed meanwhile; retry"), lambda: Outcome.CONFLICT)
        return after

    def create_project(self, project: Project, owner: Member, user: User) -> None:
        after = replace(user, roles={**user.roles, project.id: Role.OWNER}, version=user.version + 1)

        def write(tx: TransactWrite) -> None:
            tx.save(project_item(replace(project, owner_count=1)), condition=RecordItem.pk.does_not_exist())
            tx.save(member_item(project.tenant_id, owner))
            tx.save(user_item(after), condition=RecordItem.version == user.version)

        self._commit(write, changed("The user changed meanwhile; retry"), lambda: Outcome.CONFLICT)

    def get_project(self, tenant_id: str, project_id: str) -> Project | None:
        item = get_item(RecordItem, keys.tenant_pk(tenant_id), keys.project_sk(project_id))
        return project_record(item) if item else None

    def get_projects(self, tenant_id: str, project_ids: Sequence[str]) -> list[Project]:
        wanted = list(dict.fromkeys(project_ids))
        if not wanted:
            return []
        try:
            found = list(RecordItem.batch_get([(keys.tenant_pk(tenant_id), keys.project_sk(p)) for p in wanted],
                                              consistent_read=True))
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Read failed") from exc
        record_items_read(len(found))
        by_id = {project.id: project for project in map(project_record, found)}
        return [by_id[p] for p in wanted if p in by_id]  # BatchGetItem answers in no particular order

    def update_project(self, before: Project, after: Project) -> None:
        # The name and description only: the owner count moves with memberships (save_member), not the version, so
        # writing the count as read could undo a membership change made meanwhile.
        item = project_item(after)

        def write(tx: TransactWrite) -> None:
            tx.update(item, actions=[RecordItem.data.set(item.data), RecordItem.version.set(after.version)],
                      condition=RecordItem.version == before.version)

        self._commit(write, changed("The project changed meanwhile; reload and retry"), lambda: Outcome.CONFLICT)

    def delete_project(self, project: Project,
                       on_integration_gone: Callable[[Integration], None] | None = None) -> None:
        """Marked first (`deletingSince`, the version moved on), so no membership or integration can change
        meanwhile; then its monitoring integrations go, with their alert routes and holds on AWS accounts (its
        alerts stop), then the members read after the mark 49 at a time, and the project last, with its owners.
        Its incidents, alerts and the rest are too many for a request: the project's last transaction writes a
        purge marker, and the scheduled purge deletes them (opsdesk.copilot.purge). A delete that fails
        after the mark takes the mark off again (with the owners left counted), so the project stays usable and a
        retry starts over; if even that fails, the project stays marked and a retry by an owner finishes it."""
        project_keys = (keys.tenant_pk(project.tenant_id), keys.project_sk(project.id))
        marked = replace(project, version=project.version + 1)

        def mark(tx: TransactWrite) -> None:
            tx.update(RecordItem(*project_keys), actions=[RecordItem.deletingSince.set(to_rfc3339(utc_now())),
                                                          RecordItem.version.set(marked.version)],
                      condition=RecordItem.version == project.version)

        def marked_already() -> Outcome:  # a retried mark whose first attempt did commit
            item = get_item(RecordItem, *project_keys)
            ours = item is not None and item.deletingSince is not None and item.version == marked.version
            return Outcome.DONE if ours else Outcome.CONFLICT

        self._commit(mark, changed("The project changed meanwhile; reload and retry"), marked_already)
        members = [member_record(item) for item in self._query_every(
            keys.project_pk(project.tenant_id, project.id), RecordItem.sk.startswith("MEMBER#"))]
        members.sort(key=lambda member: member.role is Role.OWNER)
        chunks = membership_chunks(members, MEMBERS_PER_TRANSACTION)
        left = list(members)
        try:
            self._delete_integrations(project, on_integration_gone or (lambda integration: None))
            for index, chunk in enumerate(chunks):
                self._delete_chunk(marked, chunk, with_project=index == len(chunks) - 1)
                left = left[len(chunk):]
        except DomainError:
            self._unmark(marked, owners=sum(member.role is Role.OWNER for member in left))
            raise

    def _delete_integrations(self, project: Project, gone: Callable[[Integration], None]) -> None:
        count_integrations(project.tenant_id, project.id)  # each delete takes one from the count
        for item in self._query_every(keys.project_pk(project.tenant_id, project.id),
                                      RecordItem.sk.startswith("INTEG#")):
            integration = integration_record(item)
            self._commit(partial(stage_integration_delete, tenant_id=project.tenant_id, integration=integration),
                         changed("An integration changed meanwhile; reload and retry"),
                         partial(gone_already, project.tenant_id, integration))
            gone(integration)

    def _delete_chunk(self, project: Project, members: Sequence[Member], *, with_project: bool) -> None:
        for attempt in range(MEMBERSHIP_ATTEMPTS):
            try:
                self._delete_memberships(project, members, with_project=with_project)
                return
            except Conflict:  # a member's user changed meanwhile: read them again
                if attempt == MEMBERSHIP_ATTEMPTS - 1:
                    raise

    def _unmark(self, project: Project, *, owners: int) -> None:
        """Best effort: on failure the project stays marked, and deleting it again is the way on."""
        try:
            RecordItem(keys.tenant_pk(project.tenant_id), keys.project_sk(project.id)).update(
                actions=[RecordItem.deletingSince.remove(), RecordItem.ownerCount.set(owners),
                         RecordItem.version.set(project.version + 1)],
                condition=RecordItem.version == project.version)
        except PynamoDBException:
            return

    def _delete_memberships(self, project: Project, members: Sequence[Member], *, with_project: bool) -> None:
        users = [self.get_user(project.tenant_id, m.user_id) for m in members]
        project_keys = (keys.tenant_pk(project.tenant_id), keys.project_sk(project.id))
        unchanged = RecordItem.version == project.version

        def write(tx: TransactWrite) -> None:
            if with_project:
                tx.delete(RecordItem(*project_keys), condition=unchanged)
                stage_purge_marker(tx, project.tenant_id, project.id, utc_now())
            else:
                tx.condition_check(RecordItem, project_keys[0], project_keys[1], condition=unchanged)
            for member in members:
                tx.delete(RecordItem(keys.project_pk(project.tenant_id, project.id), keys.member_sk(member.user_id)))
            for user in users:
                if user is not None:
                    tx.save(user_item(_without_project(user, project.id)),
                            condition=RecordItem.version == user.version)

        self._commit(write, changed("The project changed meanwhile; reload and retry"), lambda: Outcome.CONFLICT)

    def list_members(self, tenant_id: str, project_id: str) -> list[Member]:
        return [member_record(i) for i in self._query(keys.project_pk(tenant_id, project_id),
                                                      RecordItem.sk.startswith("MEMBER#"), limit=1000)]

    def following(self, tenant_id: str, project_id: str, user_ids: Collection[str]) -> frozenset[str]:
        """Those of `user_ids` who are members of the project now (opsdesk.realtime.Members): consistent
        BatchGetItem calls of their member items, 100 keys a call, so a fan-out page reads its own subscribers'
        items, not the project's."""
        pk = keys.project_pk(tenant_id, project_id)
        try:
            found = [item.sk for item in RecordItem.batch_get([(pk, keys.member_sk(user)) for user in set(user_ids)],
                                                              consistent_read=True, attributes_to_get=["pk", "sk"])]
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Read failed") from exc
        record_items_read(len(found))
        return frozenset(sk.removeprefix(keys.member_sk("")) for sk in found)

    def get_member(self, tenant_id: str, project_id: str, user_id: str) -> Member | None:
        item = get_item(RecordItem, keys.project_pk(tenant_id, project_id), keys.member_sk(user_id))
        return member_record(item) if item else None

    def save_member(self, tenant_id: str, project: Project, member: Member, previous: Member | None,
                    user: User | None) -> None:
        owners = project.owner_count + (member.role is Role.OWNER) - (previous is not None and
                                                                      previous.role is Role.OWNER)
        if user is None:
            made = User(member.user_id, tenant_id, member.email, member.full_name, project.id,
                        {project.id: member.role})
        else:
            made = replace(user, roles={**user.roles, project.id: member.role}, version=user.version + 1,
                           current_project_id=user.current_project_id or project.id)

        def write(tx: TransactWrite) -> None:
            tx.update(RecordItem(keys.tenant_pk(tenant_id), keys.project_sk(project.id)),
                      actions=[RecordItem.ownerCount.set(owners)],
                      condition=(RecordItem.ownerCount == project.owner_count)
                      & RecordItem.deletingSince.does_not_exist())
            # The membership as read, not only one: the owner count alone can come back to the value read
            # (a promotion and another owner's demotion meanwhile) while this member's role moved.
            tx.save(member_item(tenant_id, member),
                    condition=RecordItem.pk.does_not_exist() if previous is None
                    else RecordItem.data == member_item(tenant_id, previous).data)
            if user is None:
                tx.save(user_item(made), condition=RecordItem.pk.does_not_exist())
                tx.save(email_item(made))
            else:
                tx.save(user_item(made), condition=RecordItem.version == user.version)

        self._commit(write, changed("The project's members changed meanwhile; reload and retry"),
                     lambda: Outcome.CONFLICT)

    def remove_member(self, tenant_id: str, project: Project, member: Member, user: User) -> None:
        owners = project.owner_count - (member.role is Role.OWNER)

        def write(tx: TransactWrite) -> None:
            tx.update(RecordItem(keys.tenant_pk(tenant_id), keys.project_sk(project.id)),
                      actions=[RecordItem.ownerCount.set(owners)],
                      condition=(RecordItem.ownerCount == project.owner_count)
                      & RecordItem.deletingSince.does_not_exist())
            tx.delete(RecordItem(keys.project_pk(tenant_id, project.id), keys.member_sk(member.user_id)),
                      condition=RecordItem.data == member_item(tenant_id, member).data)
            tx.save(user_item(_without_project(user, project.id)), condition=RecordItem.version == user.version)

        self._commit(write, changed("The project's members changed meanwhile; reload and retry"),
                     lambda: Outcome.CONFLICT)


def _without_project(user: User, project_id: str) -> User:
    roles = {p: r for p, r in user.roles.items() if p != project_id}
    current = user.current_project_id if user.current_project_id != project_id else None
    return replace(user, roles=roles, current_project_id=current, version=user.version + 1)
