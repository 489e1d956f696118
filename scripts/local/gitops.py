"""The aura agent's GitOps target on the local stack: a bare git repository in the state folder (the agent's remote,
`AURA_GIT_REMOTE_URL`) whose `main` starts with a README and one namespace running one Deployment (the demo's
"Scale the api deployment" ticket scales it), and the simulated cluster's state folder
(opsdesk.aura.cluster.LocalGitOps keeps what Argo CD would have applied there), where that namespace is synced from
the start. `make dev-reset` starts both afresh."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

README = b"""# GitOps repository (local)

The aura agent works here on branches `aura/ticket-<id>`: manifests under `apps/<namespace>/`, one Argo CD
application per namespace. The local stack's simulated Argo CD syncs a branch into a simulated cluster.
"""
PLATFORM_NAMESPACE = b"""apiVersion: v1
kind: Namespace
metadata:
  name: platform
"""
PLATFORM_API = b"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: platform
  labels:
    app.kubernetes.io/name: api
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: api
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.8.2
        ports:
        - name: http
          containerPort: 8080
"""


def prepare_gitops(remote: str, cluster_dir: str, *, reset: bool = False) -> None:
    remote_path, cluster_path = Path(remote), Path(cluster_dir)
    if reset:
        shutil.rmtree(remote_path, ignore_errors=True)
        shutil.rmtree(cluster_path, ignore_errors=True)
    cluster_path.mkdir(parents=True, exist_ok=True)
    if not (remote_path / "HEAD").exists():
        init_repository(remote_path)
        from opsdesk.aura.cluster import LocalGitOps  # noqa: PLC0415

        LocalGitOps(remote, cluster_dir).sync("platform", "main", prune=False)  # main runs, as Argo CD would have it


def init_repository(path: Path) -> None:
    """A bare repository with one commit on `main`."""
    from dulwich.objects import Blob, Commit, Tree  # noqa: PLC0415
    from dulwich.repo import Repo  # noqa: PLC0415

    path.mkdir(parents=True, exist_ok=True)
    repo = Repo.init_bare(str(path))
    readme, namespace, api = (Blob.from_string(README), Blob.from_string(PLATFORM_NAMESPACE),
                              Blob.from_string(PLATFORM_API))
    platform = Tree()
    platform.add(b"namespace.yaml", 0o100644, namespace.id)
    platform.add(b"api.yaml", 0o100644, api.id)
    apps = Tree()
    apps.add(b"platform", 0o040000, platform.id)
    root = Tree()
    root.add(b"README.md", 0o100644, readme.id)
    root.add(b"apps", 0o040000, apps.id)
    commit = Commit()
    commit.tree = root.id
    commit.author = commit.committer = b"opsdesk <opsdesk@opsdesk.local>"
    commit.author_time = commit.commit_time = int(time.time())
    commit.author_timezone = commit.commit_timezone = 0
    commit.encoding = b"UTF-8"
    commit.message = b"Start the GitOps repository\n"
    for obj in (readme, namespace, api, platform, apps, root, commit):
        repo.object_store.add_object(obj)
    repo.refs[b"refs/heads/main"] = commit.id
    repo.refs.set_symbolic_ref(b"HEAD", b"refs/heads/main")
