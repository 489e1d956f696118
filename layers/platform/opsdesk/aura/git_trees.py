"""Reading and writing git objects with dulwich (pure Python: it runs on Lambda), shared by the agent's workspace
(opsdesk.aura.git) and the local stand-in for Argo CD (opsdesk.aura.cluster.LocalGitOps).

dulwich is imported inside the functions: importing the tool runner must not pay for it (it loads only when a
git tool runs)."""

from __future__ import annotations

import re
import stat
from collections.abc import Mapping
from typing import TYPE_CHECKING

from opsdesk.frozen import frozen

if TYPE_CHECKING:
    from dulwich.objects import ObjectID
    from dulwich.repo import Repo

FILE_MODE = 0o100644
SHA = re.compile(r"[0-9a-f]{40}")


@frozen
class CommitSpec:
    """Everything a commit's sha depends on: the same spec gives the same sha, on any machine, at any time."""

    parent: str
    tree: str
    message: str
    author: str
    time: int


def open_repo(path: str) -> Repo:
    from dulwich.repo import Repo  # noqa: PLC0415

    return Repo(path)


def init_bare(path: str) -> Repo:
    from dulwich.repo import Repo  # noqa: PLC0415

    return Repo.init_bare(path, mkdir=True)


def oid(sha: str) -> ObjectID:
    from dulwich.objects import ObjectID  # noqa: PLC0415

    return ObjectID(sha.encode("ascii"))


def has_object(repo: Repo, sha: str) -> bool:
    return bool(SHA.fullmatch(sha)) and oid(sha) in repo.object_store


def resolve(repo: Repo, revision: str) -> str | None:
    """A commit sha for a sha, a branch name, a tag name or a full ref; None when there is no such commit."""
    from dulwich.objects import Commit, Tag  # noqa: PLC0415
    from dulwich.refs import Ref  # noqa: PLC0415

    if has_object(repo, revision):
        found = repo.object_store[oid(revision)]
    else:
        names = [revision] if revision.startswith("refs/") else [f"refs/heads/{revision}", f"refs/tags/{revision}"]
        target = next((repo.refs[Ref(n.encode())] for n in names if Ref(n.encode()) in repo.refs), None)
        if target is None:
            return None
        found = repo.object_store[target]
    while isinstance(found, Tag):
        found = repo.object_store[found.object[1]]
    return found.id.decode("ascii") if isinstance(found, Commit) else None


def commit_tree(repo: Repo, commit_sha: str) -> str:
    from dulwich.objects import Commit  # noqa: PLC0415

    commit = repo.object_store[oid(commit_sha)]
    assert isinstance(commit, Commit)
    tree: bytes = commit.tree
    return tree.decode("ascii")


def files_under(repo: Repo, tree_sha: str, prefix: str) -> dict[str, str]:
    """Every file (path → blob sha) under the folder `prefix` ("" for the whole tree), in path order."""
    from dulwich.object_store import iter_tree_contents  # noqa: PLC0415

    start = subtree(repo, tree_sha, prefix)
    if start is None:
        return {}
    lead = f"{prefix}/" if prefix else ""
    return {lead + entry.path.decode("utf-8", "replace"): entry.sha.decode("ascii")
            for entry in iter_tree_contents(repo.object_store, oid(start), max_depth=32)
            if entry.path is not None and entry.sha is not None and entry.mode is not None
            and stat.S_ISREG(entry.mode)}


def subtree(repo: Repo, tree_sha: str, folder: str) -> str | None:
    """The tree sha of `folder` in the tree, or None when it is no folder there."""
    from dulwich.objects import Tree  # noqa: PLC0415

    current = tree_sha
    for segment in [s for s in folder.split("/") if s]:
        tree = repo.object_store[oid(current)]
        assert isinstance(tree, Tree)
        name = segment.encode()
        if name not in tree:
            return None
        mode, sha = tree[name]
        if not stat.S_ISDIR(mode):
            return None
        current = sha.decode("ascii")
    return current


def read_blob(repo: Repo, tree_sha: str, path: str) -> bytes | None:
    """A file's bytes in the tree, or None when the path is no file there."""
    from dulwich.objects import Blob, Tree  # noqa: PLC0415

    folder, _, name = path.rpartition("/")
    parent = subtree(repo, tree_sha, folder)
    if parent is None:
        return None
    tree = repo.object_store[oid(parent)]
    assert isinstance(tree, Tree)
    if name.encode() not in tree:
        return None
    mode, sha = tree[name.encode()]
    if not stat.S_ISREG(mode):
        return None
    blob = repo.object_store[sha]
    return blob.as_raw_string() if isinstance(blob, Blob) else None


def tree_with(repo: Repo, tree_sha: str, changes: Mapping[str, str | None]) -> str:
    """The tree after writing (path → content) and deleting (path → None) files; new objects are stored."""
    from dulwich.object_store import commit_tree_changes  # noqa: PLC0415
    from dulwich.objects import Blob  # noqa: PLC0415

    entries: list[tuple[bytes, int | None, ObjectID | None]] = []
    for path in sorted(changes):
        content = changes[path]
        if content is None:
            if read_blob(repo, tree_sha, path) is not None:  # deleting what is not there changes nothing
                entries.append((path.encode(), None, None))
            continue
        blob = Blob.from_string(content.encode("utf-8"))
        repo.object_store.add_object(blob)
        entries.append((path.encode(), FILE_MODE, blob.id))
    if not entries:
        return tree_sha
    new_tree: bytes = commit_tree_changes(repo.object_store, oid(tree_sha), entries)
    return new_tree.decode("ascii")


def write_commit(repo: Repo, spec: CommitSpec) -> str:
    from dulwich.objects import Commit  # noqa: PLC0415

    commit = Commit()
    commit.tree = oid(spec.tree)
    commit.parents = [oid(spec.parent)]
    commit.author = commit.committer = spec.author.encode("utf-8")
    commit.author_time = commit.commit_time = spec.time
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = spec.message.encode("utf-8")
    repo.object_store.add_object(commit)
    return commit.id.decode("ascii")


def is_ancestor(repo: Repo, ancestor: str, descendant: str) -> bool:
    from dulwich.graph import can_fast_forward  # noqa: PLC0415

    return ancestor == descendant or can_fast_forward(repo, oid(ancestor), oid(descendant))

