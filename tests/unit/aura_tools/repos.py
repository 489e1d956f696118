"""Bare GitOps repositories for the aura tool tests, made and read with dulwich directly (not through the code
under test)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dulwich.object_store import commit_tree_changes
from dulwich.objects import Blob, Commit, ObjectID, Tree
from dulwich.refs import Ref
from dulwich.repo import Repo

NAMESPACE = """apiVersion: v1
kind: Namespace
metadata:
  name: platform
"""
SHOP = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.8.2
"""
MAIN_FILES = {"README.md": "# GitOps\n", "apps/platform/namespace.yaml": NAMESPACE, "apps/shop/web.yaml": SHOP}


def make_remote(path: Path, files: Mapping[str, str] = MAIN_FILES) -> str:
    """A bare repository whose `main` (HEAD) holds `files` in one commit; its sha."""
    repo = Repo.init_bare(str(path), mkdir=True)
    sha = commit_files(repo, None, files, "Start")
    repo.refs[Ref(b"refs/heads/main")] = ObjectID(sha.encode())
    repo.refs.set_symbolic_ref(Ref(b"HEAD"), Ref(b"refs/heads/main"))
    repo.close()
    return sha


def commit_files(repo: Repo, parent: str | None, files: Mapping[str, str | None], message: str) -> str:
    """A commit on `parent` with `files` written (None deletes); its sha (no ref moved)."""
    changes: list[tuple[bytes, int | None, ObjectID | None]] = []
    for name, content in files.items():
        if content is None:
            changes.append((name.encode(), None, None))
            continue
        blob = Blob.from_string(content.encode())
        repo.object_store.add_object(blob)
        changes.append((name.encode(), 0o100644, blob.id))
    base: Tree | ObjectID
    if parent is None:
        base = Tree()
    else:
        parent_commit = repo.object_store[ObjectID(parent.encode())]
        assert isinstance(parent_commit, Commit)
        base = parent_commit.tree
    tree = commit_tree_changes(repo.object_store, base, changes)
    commit = Commit()
    commit.tree = tree
    commit.parents = [] if parent is None else [ObjectID(parent.encode())]
    commit.author = commit.committer = b"Person <person@example.com>"
    commit.author_time = commit.commit_time = 1_700_000_000
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = message.encode() + b"\n"
    repo.object_store.add_object(commit)
    return commit.id.decode()


def push_to(path: Path, branch: str, files: Mapping[str, str | None], message: str = "A person's change") -> str:
    """Commit `files` on `branch` of the bare repository (from main when the branch is new), as a person would."""
    with Repo(str(path)) as repo:
        ref = Ref(f"refs/heads/{branch}".encode())
        parent = (repo.refs[ref] if ref in repo.refs else repo.refs[Ref(b"refs/heads/main")]).decode()
        sha = commit_files(repo, parent, files, message)
        repo.refs[ref] = ObjectID(sha.encode())
        return sha


def branch_head(path: Path, branch: str) -> str | None:
    with Repo(str(path)) as repo:
        ref = Ref(f"refs/heads/{branch}".encode())
        return repo.refs[ref].decode() if ref in repo.refs else None


def file_at(path: Path, revision: str, name: str) -> str | None:
    with Repo(str(path)) as repo:
        commit = repo.object_store[ObjectID(revision.encode())]
        assert isinstance(commit, Commit)
        tree = repo.object_store[commit.tree]
        assert isinstance(tree, Tree)
        try:
            _, sha = tree.lookup_path(repo.object_store.__getitem__, name.encode())
        except KeyError:
            return None
        blob = repo.object_store[sha]
        assert isinstance(blob, Blob)
        return blob.data.decode()


def commit_of(path: Path, sha: str) -> Commit:
    with Repo(str(path)) as repo:
        commit = repo.object_store[ObjectID(sha.encode())]
        assert isinstance(commit, Commit)
        return commit
