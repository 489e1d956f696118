"""The local stack as a child process, started on free ports exactly as `make dev` runs it: for the API tests and
the realtime benchmark."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 180
"""A first start seeds every module (the aura seed drives the agent through real git and rollouts): about 50 s on an
idle 2-core machine, more while other tests run beside it. A ceiling, not a target."""


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    state_dir: Path
    info: dict[str, Any]

    @property
    def support(self) -> str:
        return str(self.info["modules"]["support"])

    @property
    def helpdesk(self) -> str:
        return str(self.info["modules"]["helpdesk"])

    def cognito(self) -> Any:
        return boto3.client("cognito-idp", endpoint_url=self.info["cognito_endpoint"],
                            region_name=self.info["region"], aws_access_key_id="client",
                            aws_secret_access_key="client")

    def sign_in(self, username: str, password: str | None = None, client_id: str | None = None) -> dict[str, str]:
        password = password or next(u["password"] for u in self.info["users"] if u["username"] == username)
        result = self.cognito().initiate_auth(
            ClientId=client_id or self.info["client_id"], AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )["AuthenticationResult"]
        return {"id": result["IdToken"], "access": result["AccessToken"]}

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.sign_in(username)['id']}"}

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


def start_stack(state_dir: Path, log_path: Path) -> RunningStack:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "stack.json").unlink(missing_ok=True)
    inherited = ("AWS_", "COGNITO_", "SUPPORT_", "AURA_", "OPSDESK_STATE_DIR")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.dev", "--port", "0", "--moto-port", "0", "--state-dir", str(state_dir),
         "--quiet"],
        cwd=ROOT, env=env, stdout=log_path.open("ab"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"local stack exited early:\n{log_path.read_text()[-3000:]}")
        stack_file = state_dir / "stack.json"
        if stack_file.exists():
            info = json.loads(stack_file.read_text())
            try:
                if requests.get(f"{info['base_url']}/_local/health", timeout=1).ok:
                    return RunningStack(process, state_dir, info)
            except requests.ConnectionError:
                pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"local stack did not start:\n{log_path.read_text()[-3000:]}")
