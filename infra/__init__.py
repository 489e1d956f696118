"""opsdesk's AWS CDK app (python -m infra.app). See docs/infra.md."""

import os
import shutil
import subprocess

# jsii prints an end-of-life banner for Node 20 unless this names the running major version; it must be set
# before aws_cdk is first imported, which is why it lives here.
_SILENCE = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"
if not os.environ.get(_SILENCE, "").isdigit() or os.environ[_SILENCE] == "1":
    _node = shutil.which("node")
    if _node:
        _version = subprocess.run([_node, "--version"], capture_output=True, text=True, check=False).stdout
        os.environ[_SILENCE] = _version.strip().lstrip("v").split(".")[0]
