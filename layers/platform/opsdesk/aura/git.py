"""The agent's git tools over dulwich: a ticket's working branch `aura/ticket-<id>` in the GitOps repository.

Two places hold git data. The remote (locally a bare repository on disk; on AWS an https remote with a credential)
is the truth people review. The mirror, a bare repository under `mirror_dir`, is only a cache: on Lambda it lives
in /tmp and may be gone by the next turn. What a turn must hand to the next is the workspace state
(opsdesk.aura.workspace_state) in the ticket's checkpoint: the staged files and every commit made, with what made
each sha. So:

- a commit is built from its parent, the staged files, a fixed author and the time staging began: a turn replayed
  with the same call id commits the same sha (the message carries `Aura-Call: <call id>`);
- a push first rebuilds any recorded commit the mirror lacks, checks it has the recorded sha, checks every manifest
  of the pushed tree again, and pushes fast-forward only unless forced; the same sha again changes nothing;
- manifests are checked (opsdesk.aura.manifest_checks) before they are staged, so a secret never reaches git.

File content read back is data for the model: capped, decoded, never interpreted."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from opsdesk.aura import git_trees as trees
from opsdesk.aura.git_trees import CommitSpec
from opsdesk.aura.manifest_checks import (
    MANIFEST_ROOT,
    MANIFEST_SUFFIXES,
    ManifestRefused,
    check_manifest,
    manifest_namespace,
    repo_path,
)
from opsdesk.aura.tool_errors import ToolError, ToolOutage
from opsdesk.aura.tools import working_branch
from opsdesk.aura.workspace_state import RecordedCommit, WorkspaceState
from opsdesk.frozen import frozen

if TYPE_CHECKING:
    from dulwich.client import GitClient
    from dulwich.repo import Repo

AUTHOR = "Aura <aura@opsdesk.local>"
DEFAULT_BRANCH = "main"
MAX_READ_BYTES = 16 * 1024
MAX_LISTED_FILES = 500
MAX_MESSAGE_CHARS = 4000


@frozen
class GitCredential:
    """For an https remote: a user name and a token (GitHub: `x-access-token` and the token)."""

    username: str
    password: str = field(repr=False)


@frozen
class RemoteHeads:
    """The remote's branches (name → sha) as the last fetch saw them, and which one is its default."""

    branches: Mapping[str, str]
    default_branch: str

    @property
    def default_head(self) -> str:
        head = self.branches.get(self.default_branch)
        if head is None:
            raise ToolError(f"the GitOps repository has no {self.default_branch} branch to start from")
        return head


@frozen
class Change:
    """A tool's result and the workspace state after it."""

    result: dict[str, Any]
    workspace: dict[str, Any]


def commit_message(message: str, call_id: str) -> str:
    return f"{message.strip()}\n\nAura-Call: {call_id}\n"


class GitWorkspace:
    def __init__(self, remote_url: str, mirror_dir: str, *, credential: GitCredential | None = None,
                 author: str = AUTHOR, clock: Callable[[], float] = time.time) -> None:
        parts = urlsplit(remote_url)
        if parts.scheme not in ("https", "file") and not remote_url.startswith("/"):
            raise ValueError("the git remote must be an https URL or an absolute path")
        self._remote = remote_url
        self._credential = credential
        self._author = author
        self._clock = clock
        key = hashlib.sha256(self.remote_display.encode()).hexdigest()[:16]
        self._mirror = Path(mirror_dir) / f"{key}.git"

    @property
    def remote_display(self) -> str:
        """The remote as results and logs show it: never a credential."""
        parts = urlsplit(self._remote)
        if not parts.scheme or parts.scheme == "file":
            return self._remote
        return urlunsplit((parts.scheme, parts.hostname or "", parts.path, "", ""))

    # The tools

    def read_file(self, ticket_id: str, workspace: Mapping[str, Any], path: str) -> dict[str, Any]:
        wanted = repo_path(path)
        state = self._state(ticket_id, workspace)
        with self._session() as repo:
            ref, head = self._head(repo, state, ticket_id)
            if wanted in state.staged:
                staged = state.staged[wanted]
                raw = None if staged is None else staged.encode("utf-8")
            else:
                raw = trees.read_blob(repo, trees.commit_tree(repo, head), wanted)
        if raw is None:
            raise ToolError(f"no file at that path on {ref}")
        shown = raw[:MAX_READ_BYTES]
        return {"path": wanted, "ref": ref, "staged": wanted in state.staged, "bytes": len(raw),
                "truncated": len(raw) > MAX_READ_BYTES, "content": shown.decode("utf-8", "ignore")}

    def list_files(self, ticket_id: str, workspace: Mapping[str, Any], path: str = "") -> dict[str, Any]:
        folder = repo_path(path, allow_root=True)
        state = self._state(ticket_id, workspace)
        with self._session() as repo:
            ref, head = self._head(repo, state, ticket_id)
            files = set(trees.files_under(repo, trees.commit_tree(repo, head), folder))
        prefix = f"{folder}/" if folder else ""
        for staged_path, content in state.staged.items():
            if staged_path.startswith(prefix):
                (files.discard if content is None else files.add)(staged_path)
        listed = sorted(files)
        return {"path": folder, "ref": ref, "files": listed[:MAX_LISTED_FILES], "count": len(listed),
                "truncated": len(listed) > MAX_LISTED_FILES}

    def write_file(self, ticket_id: str, workspace: Mapping[str, Any], path: str, content: str) -> Change:
        check_manifest(path, content)  # before anything is staged: a refused file leaves no trace
        wanted = repo_path(path)
        state = self._started(ticket_id, self._state(ticket_id, workspace))
        after = state.staging(wanted, content, int(self._clock()))
        return Change({"path": wanted, "branch": after.branch, "staged": True,
                       "bytes": len(content.encode("utf-8"))}, after.as_doc())

    def delete_file(self, ticket_id: str, workspace: Mapping[str, Any], path: str) -> Change:
        manifest_namespace(path)
        wanted = repo_path(path)
        state = self._started(ticket_id, self._state(ticket_id, workspace))
        if wanted in state.staged and state.staged[wanted] is None:
            return Change({"path": wanted, "branch": state.branch, "deleted": True}, state.as_doc())  # a replay
        with self._session() as repo:
            head = self._ensure_head(repo, state)
            exists = trees.read_blob(repo, trees.commit_tree(repo, head), wanted) is not None
        if exists:
            after = state.staging(wanted, None, int(self._clock()))
        elif wanted in state.staged:
            after = state.unstaging(wanted)  # a file only staged, never committed: forgetting it deletes it
        else:
            raise ToolError(f"no file at that path on {state.branch}")
        return Change({"path": wanted, "branch": after.branch, "deleted": True}, after.as_doc())

    def commit(self, ticket_id: str, call_id: str, workspace: Mapping[str, Any], message: str) -> Change:
        if not message.strip() or len(message) > MAX_MESSAGE_CHARS or "\x00" in message:
            raise ToolError(f"the commit message must be 1 to {MAX_MESSAGE_CHARS} characters of text")
        state = self._state(ticket_id, workspace)
        done = state.commit_by_call(call_id)
        if done is not None:  # this call already committed: say so again
            return Change(self._commit_result(state, done), state.as_doc())
        if not state.staged or state.staged_at is None:
            raise ToolError("nothing is staged to commit")
        with self._session() as repo:
            parent = self._ensure_head(repo, state)
            parent_tree = trees.commit_tree(repo, parent)
            tree = trees.tree_with(repo, parent_tree, state.staged)
            if tree == parent_tree:
                raise ToolError("the staged files change nothing on the branch")
            spec = CommitSpec(parent, tree, commit_message(message, call_id), self._author, state.staged_at)
            sha = trees.write_commit(repo, spec)
        commit = RecordedCommit(sha, parent, message.strip(), call_id, self._author, spec.time, dict(state.staged))
        after = state.committed(commit)
        return Change(self._commit_result(after, commit), after.as_doc())

    def push(self, ticket_id: str, workspace: Mapping[str, Any], *, branch: str | None = None,
             force: bool = False) -> Change:
        state = self._state(ticket_id, workspace)
        own = working_branch(ticket_id)
        if branch not in (None, "", own):
            raise ToolError(f"the agent pushes only its working branch {own}")
        if not state.commits:
            raise ToolError("nothing is committed on the working branch yet")
        with self._session() as repo:
            head = self._ensure_head(repo, state)
            self._check_tree(repo, head)
            remote_head = self._fetch(repo, own).branches.get(own)
            rewrites = remote_head is not None and remote_head != head and not trees.is_ancestor(
                repo, remote_head, head)
            if rewrites and not force:
                raise ToolError("non-fast-forward: the remote branch has commits the workspace does not; push "
                                "with force=true to replace them")
            if remote_head != head:
                self._send(repo, f"refs/heads/{own}", remote_head, head)
        result = {"branch": own, "sha": head, "remote": self.remote_display, "updated": remote_head != head,
                  "forced": rewrites}
        return Change(result, replace(state, pushed=head).as_doc())

    # The branch and the mirror

    def _state(self, ticket_id: str, workspace: Mapping[str, Any]) -> WorkspaceState:
        return WorkspaceState.of(workspace, working_branch(ticket_id))

    def _started(self, ticket_id: str, state: WorkspaceState) -> WorkspaceState:
        """The state with its branch started: from the remote's working branch if it has one, else its default."""
        if state.started:
            return state
        branch = working_branch(ticket_id)
        with self._session() as repo:
            heads = self._fetch(repo, branch)
        base = heads.branches.get(branch) or heads.default_head
        return replace(state, branch=branch, base=base)

    def _head(self, repo: Repo, state: WorkspaceState, ticket_id: str) -> tuple[str, str]:
        """(ref name, commit) that reads see: the branch once it exists, the remote's default branch before."""
        if state.started:
            return str(state.branch), self._ensure_head(repo, state)
        branch = working_branch(ticket_id)
        heads = self._fetch(repo, branch)
        if branch in heads.branches:
            return branch, heads.branches[branch]
        return heads.default_branch, heads.default_head

    def _ensure_head(self, repo: Repo, state: WorkspaceState) -> str:
        """The branch head, present in the mirror: fetched, and every recorded commit rebuilt when the mirror
        lost it, each checked against its recorded sha."""
        head = state.head
        assert head is not None and state.branch is not None
        if trees.has_object(repo, head):
            return head
        if state.base is not None and not trees.has_object(repo, state.base):
            self._fetch(repo, state.branch)
            if not trees.has_object(repo, state.base):
                raise ToolError("the commit the branch started from is no longer on the remote")
        for commit in state.commits:
            if trees.has_object(repo, commit.sha):
                continue
            tree = trees.tree_with(repo, trees.commit_tree(repo, commit.parent), commit.files)
            spec = CommitSpec(commit.parent, tree, commit_message(commit.message, commit.call_id), commit.author,
                              commit.time)
            if trees.write_commit(repo, spec) != commit.sha:
                raise ToolError(f"commit {commit.sha[:12]} could not be rebuilt to the same sha")
        return head

    def _check_tree(self, repo: Repo, head: str) -> None:
        """Every manifest of the tree about to be pushed passes the checks again."""
        tree = trees.commit_tree(repo, head)
        for path in trees.files_under(repo, tree, MANIFEST_ROOT):
            if not path.endswith(MANIFEST_SUFFIXES):
                continue
            raw = trees.read_blob(repo, tree, path) or b""
            try:
                check_manifest(path, raw.decode("utf-8", "replace"))
            except ManifestRefused as exc:
                raise ToolError(f"not pushed: {path} fails the checks ({exc})") from exc

    @contextmanager
    def _session(self) -> Iterator[Repo]:
        """The mirror, locked against other processes sharing the folder; made afresh when missing or broken."""
        from dulwich.errors import NotGitRepository  # noqa: PLC0415

        self._mirror.parent.mkdir(parents=True, exist_ok=True)
        with open(self._mirror.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                try:
                    repo = trees.open_repo(str(self._mirror))
                except (NotGitRepository, OSError):
                    shutil.rmtree(self._mirror, ignore_errors=True)
                    repo = trees.init_bare(str(self._mirror))
                with closing(repo):
                    yield repo
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _fetch(self, repo: Repo, branch: str) -> RemoteHeads:
        """Fetch the remote's default branch and `branch` into the mirror (nothing of the other branches)."""
        from dulwich.objects import ObjectID  # noqa: PLC0415
        from dulwich.refs import Ref  # noqa: PLC0415

        client, path = self._client()
        wanted_refs = {f"refs/heads/{DEFAULT_BRANCH}", f"refs/heads/{branch}", "HEAD"}  # HEAD: the default

        def determine_wants(refs: Mapping[Ref, ObjectID], depth: int | None = None) -> list[ObjectID]:
            return sorted({sha for ref, sha in refs.items()
                           if ref.decode("utf-8", "replace") in wanted_refs and sha not in repo.object_store})

        with self._remote_errors():
            fetched = client.fetch(path, repo, determine_wants=determine_wants)
        branches = {ref.decode("utf-8", "replace").removeprefix("refs/heads/"): sha.decode("ascii")
                    for ref, sha in fetched.refs.items() if sha and ref.startswith(b"refs/heads/")}
        default_ref = fetched.symrefs.get(Ref(b"HEAD"), b"")
        default = default_ref.decode("utf-8", "replace").removeprefix("refs/heads/")
        return RemoteHeads(branches, default if default in branches else DEFAULT_BRANCH)

    def _send(self, repo: Repo, ref: str, expected: str | None, head: str) -> None:
        """Move the remote's `ref` from `expected` to `head`, refused if the remote moved since it was read."""
        from dulwich.objects import ObjectID  # noqa: PLC0415
        from dulwich.refs import Ref  # noqa: PLC0415

        client, path = self._client()
        name = Ref(ref.encode())

        def update_refs(refs: dict[Ref, ObjectID]) -> dict[Ref, ObjectID]:
            current = refs.get(name)
            if (current.decode("ascii") if current else None) != expected:
                raise ToolError("the remote branch moved while pushing; push again")
            return {name: trees.oid(head)}

        def pack_data(have: Any, want: Any, *, ofs_delta: bool = False, progress: Any = None) -> Any:
            return repo.generate_pack_data(set(have), set(want), progress=progress, ofs_delta=ofs_delta)

        with self._remote_errors():
            sent = client.send_pack(path.encode() if isinstance(path, str) else path, update_refs, pack_data)
        refused = {r: why for r, why in (sent.ref_status or {}).items() if why}
        if refused:
            raise ToolError(f"the remote refused the push: {next(iter(refused.values()))}"[:300])

    def _client(self) -> tuple[GitClient, str]:
        from dulwich.client import get_transport_and_path  # noqa: PLC0415

        location = self._remote.removeprefix("file://")
        credential = self._credential
        return get_transport_and_path(location, username=credential.username if credential else None,
                                      password=credential.password if credential else None)

    @contextmanager
    def _remote_errors(self) -> Iterator[None]:
        """A refused credential or a missing repository is the agent's to know; a dropped connection is an outage."""
        from dulwich.client import HTTPUnauthorized  # noqa: PLC0415
        from dulwich.errors import GitProtocolError, NotGitRepository  # noqa: PLC0415

        try:
            yield
        except HTTPUnauthorized as exc:
            raise ToolError("the git remote refused the credential") from exc
        except NotGitRepository as exc:
            raise ToolError("the git remote is not a repository") from exc
        except (GitProtocolError, OSError) as exc:
            raise ToolOutage(f"the git remote could not be reached ({type(exc).__name__})") from exc

    def _commit_result(self, state: WorkspaceState, commit: RecordedCommit) -> dict[str, Any]:
        return {"sha": commit.sha, "parent": commit.parent, "branch": state.branch, "message": commit.message,
                "files": sorted(commit.files)}
