"""The git workspace (opsdesk.aura.git) against a bare remote on disk: the branch starts from main, commits are
deterministic from the checkpointed state, a lost mirror is rebuilt to the same shas, refused content never
reaches git, and pushes are fast-forward unless forced."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from opsdesk.aura.git import GitCredential, GitWorkspace, commit_message
from opsdesk.aura.manifest_checks import ManifestRefused
from opsdesk.aura.tool_errors import ToolError
from opsdesk.aura.tools import working_branch
from opsdesk.aura.workspace_state import MAX_CONTENT_BYTES
from tests.unit.aura_tools.conftest import T0, Clock
from tests.unit.aura_tools.repos import SHOP, branch_head, commit_of, file_at, push_to

TICKET = "t-100"
BRANCH = working_branch(TICKET)
SCALED = SHOP.replace("replicas: 2", "replicas: 4")
CONFIG = """apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: debug
"""


def written(git: GitWorkspace, files: dict[str, str], workspace: dict[str, Any] | None = None) -> dict[str, Any]:
    state = workspace or {}
    for path, content in files.items():
        state = git.write_file(TICKET, state, path, content).workspace
    return state


def committed(git: GitWorkspace, files: dict[str, str], call_id: str = f"{TICKET}:3") -> tuple[str, dict[str, Any]]:
    change = git.commit(TICKET, call_id, written(git, files), "Scale web to 4")
    return change.result["sha"], change.workspace


def test_reads_see_main_before_the_branch_exists(git: GitWorkspace) -> None:
    listing = git.list_files(TICKET, {}, "apps")
    assert listing == {"path": "apps", "ref": "main", "files": ["apps/platform/namespace.yaml", "apps/shop/web.yaml"],
                       "count": 2, "truncated": False}
    read = git.read_file(TICKET, {}, "apps/shop/web.yaml")
    assert read["ref"] == "main" and read["content"] == SHOP and read["staged"] is False


def test_a_write_commit_and_push_lands_on_the_remotes_working_branch(git: GitWorkspace, remote: Path) -> None:
    main = branch_head(remote, "main")
    sha, workspace = committed(git, {"apps/shop/web.yaml": SCALED, "apps/shop/config.yaml": CONFIG})
    assert branch_head(remote, BRANCH) is None  # nothing leaves the mirror before the push

    pushed = git.push(TICKET, workspace)

    assert pushed.result == {"branch": BRANCH, "sha": sha, "remote": str(remote), "updated": True, "forced": False}
    assert pushed.workspace["pushed"] == sha
    assert branch_head(remote, BRANCH) == sha and branch_head(remote, "main") == main
    assert file_at(remote, sha, "apps/shop/web.yaml") == SCALED
    assert file_at(remote, sha, "apps/shop/config.yaml") == CONFIG
    commit = commit_of(remote, sha)
    assert main is not None and commit.parents == [main.encode()]
    assert commit.message.decode() == f"Scale web to 4\n\nAura-Call: {TICKET}:3\n"
    assert commit.author == commit.committer == b"Aura <aura@opsdesk.local>"
    assert commit.commit_time == commit.author_time == int(T0)


def test_the_workspace_state_is_small_json_with_staged_files_and_commits(git: GitWorkspace) -> None:
    workspace = written(git, {"apps/shop/web.yaml": SCALED})
    assert json.loads(json.dumps(workspace)) == workspace
    assert workspace["branch"] == BRANCH and workspace["staged"] == {"apps/shop/web.yaml": SCALED}
    after = git.commit(TICKET, "c1", workspace, "Scale").workspace
    assert after["staged"] == {} and after["staged_at"] is None
    [commit] = after["commits"]
    assert set(commit) == {"sha", "parent", "message", "call_id", "author", "time", "files"}
    assert commit["files"] == {"apps/shop/web.yaml": SCALED} and commit["time"] == int(T0)


def test_reads_on_the_branch_show_staged_files(git: GitWorkspace) -> None:
    workspace = written(git, {"apps/shop/config.yaml": CONFIG})
    read = git.read_file(TICKET, workspace, "apps/shop/config.yaml")
    assert read["ref"] == BRANCH and read["staged"] is True and read["content"] == CONFIG
    workspace = git.delete_file(TICKET, workspace, "apps/shop/web.yaml").workspace
    assert git.list_files(TICKET, workspace, "apps/shop")["files"] == ["apps/shop/config.yaml"]
    with pytest.raises(ToolError, match="no file"):
        git.read_file(TICKET, workspace, "apps/shop/web.yaml")


def test_a_replayed_commit_makes_the_same_sha(git: GitWorkspace, clock: Clock) -> None:
    before = written(git, {"apps/shop/web.yaml": SCALED})
    first = git.commit(TICKET, "t-100:4", before, "Scale web")
    clock.advance(3600)  # the replay comes later; the commit's time is the state's, not the clock's
    replay = git.commit(TICKET, "t-100:4", before, "Scale web")
    assert replay.result == first.result and replay.workspace == first.workspace
    again = git.commit(TICKET, "t-100:4", first.workspace, "Scale web")  # the result was checkpointed already
    assert again.result == first.result and len(again.workspace["commits"]) == 1


def test_a_lost_mirror_is_rebuilt_at_push_to_the_same_shas(git: GitWorkspace, remote: Path, mirror_dir: Path,
                                                           clock: Clock) -> None:
    first_sha, workspace = committed(git, {"apps/shop/web.yaml": SCALED}, "c1")
    clock.advance(60)
    workspace = written(git, {"apps/shop/config.yaml": CONFIG}, workspace)
    second = git.commit(TICKET, "c2", workspace, "Add the config")
    shutil.rmtree(mirror_dir)  # a new Lambda sandbox: /tmp is empty

    elsewhere = GitWorkspace(str(remote), str(mirror_dir), clock=Clock(T0 + 99_999))
    pushed = elsewhere.push(TICKET, second.workspace)

    assert pushed.result["sha"] == second.result["sha"] == branch_head(remote, BRANCH)
    assert commit_of(remote, second.result["sha"]).parents == [first_sha.encode()]


def test_a_recorded_commit_that_rebuilds_to_another_sha_is_not_pushed(git: GitWorkspace, remote: Path,
                                                                      mirror_dir: Path) -> None:
    _, workspace = committed(git, {"apps/shop/web.yaml": SCALED})
    shutil.rmtree(mirror_dir)
    workspace["commits"][0]["time"] += 1
    with pytest.raises(ToolError, match="could not be rebuilt"):
        git.push(TICKET, workspace)
    assert branch_head(remote, BRANCH) is None


def test_a_secret_is_refused_before_staging_and_nothing_is_pushed(git: GitWorkspace, remote: Path) -> None:
    leaky = CONFIG + "  AWS_KEY: AKIAIOSFODNN7EXAMPLE\n"
    with pytest.raises(ManifestRefused) as refused:
        git.write_file(TICKET, {}, "apps/shop/config.yaml", leaky)
    assert refused.value.rules == ("aws-access-key-id",)
    assert "AKIA" not in str(refused.value)
    with pytest.raises(ToolError, match="nothing is committed"):
        git.push(TICKET, {})
    assert branch_head(remote, BRANCH) is None


def test_invalid_yaml_is_refused(git: GitWorkspace) -> None:
    with pytest.raises(ManifestRefused, match="invalid-yaml"):
        git.write_file(TICKET, {}, "apps/shop/web.yaml", "apiVersion: v1\nkind: [ConfigMap\n")


def test_every_manifest_is_checked_again_at_push(git: GitWorkspace, remote: Path) -> None:
    workspace = written(git, {"apps/shop/config.yaml": CONFIG})
    # A state that was tampered with, or written by an older checker: the push is the last gate.
    workspace["staged"]["apps/shop/config.yaml"] = CONFIG + "  token: ghp_" + "a1B2" * 9 + "\n"
    workspace = git.commit(TICKET, "c1", workspace, "Config").workspace
    with pytest.raises(ToolError, match=r"apps/shop/config.yaml fails the checks \(github-token"):
        git.push(TICKET, workspace)
    assert branch_head(remote, BRANCH) is None


def test_a_non_fast_forward_push_needs_force(git: GitWorkspace, remote: Path) -> None:
    sha, workspace = committed(git, {"apps/shop/web.yaml": SCALED})
    theirs = push_to(remote, BRANCH, {"README.md": "someone else's\n"})
    with pytest.raises(ToolError, match="non-fast-forward"):
        git.push(TICKET, workspace)
    assert branch_head(remote, BRANCH) == theirs
    forced = git.push(TICKET, workspace, force=True)
    assert forced.result["forced"] is True and branch_head(remote, BRANCH) == sha


def test_pushing_the_same_sha_again_is_a_no_op(git: GitWorkspace, remote: Path) -> None:
    sha, workspace = committed(git, {"apps/shop/web.yaml": SCALED})
    first = git.push(TICKET, workspace)
    again = git.push(TICKET, workspace)  # a replayed push, from the state before the first one's checkpoint
    assert again.result == {**first.result, "updated": False}
    assert branch_head(remote, BRANCH) == sha


def test_a_second_commit_fast_forwards_the_pushed_branch(git: GitWorkspace, remote: Path) -> None:
    _, workspace = committed(git, {"apps/shop/web.yaml": SCALED}, "c1")
    workspace = git.push(TICKET, workspace).workspace
    workspace = git.delete_file(TICKET, workspace, "apps/platform/namespace.yaml").workspace
    change = git.commit(TICKET, "c2", workspace, "Drop the platform namespace")
    pushed = git.push(TICKET, change.workspace, branch=BRANCH)
    assert pushed.result["updated"] is True and pushed.result["forced"] is False
    assert file_at(remote, change.result["sha"], "apps/platform/namespace.yaml") is None


def test_the_branch_starts_from_the_remotes_working_branch_when_it_has_one(git: GitWorkspace, remote: Path) -> None:
    theirs = push_to(remote, BRANCH, {"apps/shop/config.yaml": CONFIG})
    workspace = written(git, {"apps/shop/web.yaml": SCALED})
    assert workspace["base"] == theirs
    assert git.list_files(TICKET, {}, "apps/shop")["ref"] == BRANCH


def test_only_the_working_branch_is_pushed(git: GitWorkspace) -> None:
    _, workspace = committed(git, {"apps/shop/web.yaml": SCALED})
    with pytest.raises(ToolError, match="only its working branch"):
        git.push(TICKET, workspace, branch="main")


def test_a_commit_needs_staged_changes_that_change_something(git: GitWorkspace) -> None:
    with pytest.raises(ToolError, match="nothing is staged"):
        git.commit(TICKET, "c1", {}, "Empty")
    same = written(git, {"apps/shop/web.yaml": SHOP})
    with pytest.raises(ToolError, match="change nothing"):
        git.commit(TICKET, "c1", same, "Same")
    with pytest.raises(ToolError, match="commit message"):
        git.commit(TICKET, "c1", same, "   ")


def test_deleting_a_file_only_staged_forgets_it(git: GitWorkspace) -> None:
    workspace = written(git, {"apps/shop/config.yaml": CONFIG})
    after = git.delete_file(TICKET, workspace, "apps/shop/config.yaml").workspace
    assert after["staged"] == {}
    with pytest.raises(ToolError, match="no file"):
        git.delete_file(TICKET, after, "apps/shop/config.yaml")


def test_the_workspace_content_is_capped(git: GitWorkspace) -> None:
    big = CONFIG + "".join(f"  KEY_{i}: {'x' * 60}\n" for i in range(MAX_CONTENT_BYTES // 2 // 70))
    workspace = written(git, {"apps/shop/big.yaml": big})
    with pytest.raises(ToolError, match="workspace-full"):
        git.write_file(TICKET, workspace, "apps/shop/big2.yaml", big)


def test_reads_are_capped_and_paths_may_not_escape(git: GitWorkspace, remote: Path) -> None:
    push_to(remote, "main", {"docs/big.md": "y" * 40_000})
    read = git.read_file(TICKET, {}, "docs/big.md")
    assert read["truncated"] is True and len(read["content"]) == 16 * 1024 and read["bytes"] == 40_000
    for path in ("../etc/passwd", "/etc/passwd", "apps/../../x", "apps\\x"):
        with pytest.raises(ToolError):
            git.read_file(TICKET, {}, path)


def test_a_state_read_back_from_dynamodb_with_decimals_still_works(git: GitWorkspace, remote: Path) -> None:
    _, workspace = committed(git, {"apps/shop/web.yaml": SCALED})
    stored = json.loads(json.dumps(workspace), parse_int=Decimal)
    assert git.push(TICKET, stored).result["sha"] == branch_head(remote, BRANCH)


def test_another_tickets_state_is_refused(git: GitWorkspace) -> None:
    workspace = written(git, {"apps/shop/web.yaml": SCALED})
    with pytest.raises(ToolError, match="another branch"):
        git.commit("t-other", "c1", workspace, "Mine")


def test_the_remote_shown_never_carries_a_credential(tmp_path: Path) -> None:
    url = "https://someone:s3cret@git.example.com/acme/gitops.git"
    credential = GitCredential("x-access-token", "the-token-value")
    workspace = GitWorkspace(url, str(tmp_path), credential=credential)
    assert workspace.remote_display == "https://git.example.com/acme/gitops.git"
    assert "the-token-value" not in repr(credential)
    for bad in ("ssh://git@example.com/x.git", "relative/path", "git://example.com/x"):
        with pytest.raises(ValueError):
            GitWorkspace(bad, str(tmp_path))


def test_the_commit_message_carries_the_call_trailer() -> None:
    assert commit_message("  Scale web\n", "t:7") == "Scale web\n\nAura-Call: t:7\n"
