"""The git workspace's state between turns: what the ticket's checkpoint keeps (AgentProgress.workspace, stored
in DynamoDB with the ticket), so a turn on another machine, with no mirror on disk, carries on where the last
one stopped.

Shape (JSON, snake_case keys; numbers may come back from DynamoDB as Decimal and are read with int()):

    {"branch": "aura/ticket-<id>",          # set when the branch starts
     "base": "<sha>",                        # the commit the branch started from
     "staged": {"<path>": "<content>" | null},   # null stages a deletion
     "staged_at": <epoch seconds> | null,    # when staging began: the next commit's author and committer time
     "commits": [{"sha", "parent", "message", "call_id", "author", "time", "files": {"<path>": "<content>" | null}}],
     "pushed": "<sha>" | null}

Every commit keeps its files, so a lost mirror is rebuilt from this alone, commit by commit, to the same shas. All
content together is capped (MAX_CONTENT_BYTES): the item stays well inside DynamoDB's 400 KB."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, replace
from typing import Any

from opsdesk.aura.tool_errors import ToolError
from opsdesk.frozen import frozen

MAX_CONTENT_BYTES = 64 * 1024


@frozen
class RecordedCommit:
    sha: str
    parent: str
    message: str
    """The agent's message; the commit's own carries the `Aura-Call` trailer too (commit_message)."""
    call_id: str
    author: str
    time: int
    files: Mapping[str, str | None]

    def as_doc(self) -> dict[str, Any]:
        return {"sha": self.sha, "parent": self.parent, "message": self.message, "call_id": self.call_id,
                "author": self.author, "time": self.time, "files": dict(self.files)}


@frozen
class WorkspaceState:
    branch: str | None = None
    base: str | None = None
    staged: Mapping[str, str | None] = field(default_factory=dict)
    staged_at: int | None = None
    commits: tuple[RecordedCommit, ...] = ()
    pushed: str | None = None

    @property
    def started(self) -> bool:
        return self.base is not None

    @property
    def head(self) -> str | None:
        """The branch's last commit (the base before the first commit); None before the branch starts."""
        return self.commits[-1].sha if self.commits else self.base

    @property
    def content_bytes(self) -> int:
        return _size(self.staged) + sum(_size(c.files) for c in self.commits)

    def commit_by_call(self, call_id: str) -> RecordedCommit | None:
        return next((c for c in self.commits if c.call_id == call_id), None)

    def staging(self, path: str, content: str | None, now: int) -> WorkspaceState:
        """The state with `path` staged; refused when the ticket's content would pass the cap."""
        staged = {**self.staged, path: content}
        after = replace(self, staged=staged, staged_at=self.staged_at if self.staged_at is not None else now)
        if after.content_bytes > MAX_CONTENT_BYTES:
            raise ToolError(f"workspace-full: the ticket's changes would pass {MAX_CONTENT_BYTES // 1024} KiB of "
                            "content; commit and push smaller changes, or finish this ticket and open another")
        return after

    def unstaging(self, path: str) -> WorkspaceState:
        staged = {p: c for p, c in self.staged.items() if p != path}
        return replace(self, staged=staged, staged_at=self.staged_at if staged else None)

    def committed(self, commit: RecordedCommit) -> WorkspaceState:
        return replace(self, commits=(*self.commits, commit), staged={}, staged_at=None)

    def as_doc(self) -> dict[str, Any]:
        return {"branch": self.branch, "base": self.base, "staged": dict(self.staged), "staged_at": self.staged_at,
                "commits": [c.as_doc() for c in self.commits], "pushed": self.pushed}

    @classmethod
    def of(cls, doc: Mapping[str, Any], branch: str) -> WorkspaceState:
        """The state a checkpoint holds for the ticket whose working branch is `branch` ({} for a new one)."""
        if not doc:
            return cls()
        try:
            state = cls(
                branch=_opt_str(doc.get("branch")), base=_opt_str(doc.get("base")),
                staged=_files(doc.get("staged") or {}),
                staged_at=None if doc.get("staged_at") is None else int(doc["staged_at"]),
                commits=tuple(RecordedCommit(str(c["sha"]), str(c["parent"]), str(c["message"]),
                                             str(c["call_id"]), str(c["author"]), int(c["time"]),
                                             _files(c.get("files") or {}))
                              for c in doc.get("commits") or ()),
                pushed=_opt_str(doc.get("pushed")))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ToolError("the workspace state is damaged; it cannot be read") from exc
        if state.branch not in (None, branch):
            raise ToolError("the workspace belongs to another branch")
        return state


def _files(doc: Mapping[str, Any]) -> dict[str, str | None]:
    return {str(path): None if content is None else str(content) for path, content in doc.items()}


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _size(files: Mapping[str, str | None]) -> int:
    return sum(len(content.encode("utf-8")) for content in files.values() if content is not None)
