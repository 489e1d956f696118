from __future__ import annotations

import subprocess
import sys


def test_the_package_imports_without_settings_and_without_the_opensearch_client() -> None:
    code = (
        "import sys, opsdesk.search as s; "
        "assert s.SqliteSearch().search('x', None, 5) == []; "
        "heavy = [m for m in ('opensearchpy', 'boto3', 'requests_aws4auth', 'opsdesk.settings') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={}, capture_output=True, text=True, check=True, timeout=30
    )

    assert result.stdout.strip() == "[]"

