"""Credentials kept in AWS Secrets Manager (moto locally): one secret per owner (e.g. a monitoring integration),
named `<prefix>/<tenant>/<owner id>`, holding a JSON object of the credentials. The values are read only where a
call needs them and never logged or returned."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from opsdesk.awsclients import LazyClient
from opsdesk.errors import DomainError

TYPE_TAG = "opsdesk:type"
"""The tag naming what a secret's owner is (a monitoring integration's type): a grant may read one type only."""


class SecretStore(Protocol):
    def put(self, tenant_id: str, owner_id: str, values: Mapping[str, str], *, kind: str | None = None) -> str:
        """Create or replace the owner's secret, tagged TYPE_TAG=`kind` when given; its ARN."""
        ...

    def get(self, reference: str) -> dict[str, str]: ...

    def delete(self, reference: str) -> None: ...


class SecretsManagerStore:
    def __init__(self, prefix: str, *, region: str, endpoint_url: str | None = None, client: Any = None) -> None:
        self._prefix = prefix.strip("/")
        # On first use: most requests never touch a secret.
        self._secrets = LazyClient("secretsmanager", region=region, endpoint_url=endpoint_url, client=client)

    def put(self, tenant_id: str, owner_id: str, values: Mapping[str, str], *, kind: str | None = None) -> str:
        from botocore.exceptions import ClientError  # noqa: PLC0415

        name = f"{self._prefix}/{tenant_id}/{owner_id}"
        payload = json.dumps(dict(values), separators=(",", ":"))
        tags = [{"Key": TYPE_TAG, "Value": kind}] if kind else []
        try:
            try:
                return str(self._secrets().create_secret(Name=name, SecretString=payload,
                                                         **({"Tags": tags} if tags else {}))["ARN"])
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceExistsException":
                    raise
                arn = str(self._secrets().put_secret_value(SecretId=name, SecretString=payload)["ARN"])
                if tags:  # one stored before secrets were tagged
                    self._secrets().tag_resource(SecretId=name, Tags=tags)
                return arn
        except ClientError as exc:
            raise DomainError("Credentials could not be stored") from _quiet(exc)

    def get(self, reference: str) -> dict[str, str]:
        from botocore.exceptions import ClientError  # noqa: PLC0415

        try:
            raw = self._secrets().get_secret_value(SecretId=reference)["SecretString"]
        except ClientError as exc:
            raise DomainError("Credentials could not be read") from _quiet(exc)
        values = json.loads(raw)
        return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}

    def delete(self, reference: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        try:
            self._secrets().delete_secret(SecretId=reference, RecoveryWindowInDays=7)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            message = str(error.get("Message", ""))  # AWS: "marked for deletion"; moto: "marked deleted"
            gone = error.get("Code") == "ResourceNotFoundException" or (  # deleted already, or scheduled to be
                error.get("Code") == "InvalidRequestException" and "marked" in message and "delet" in message)
            if not gone:
                raise DomainError("Credentials could not be deleted") from _quiet(exc)
        except BotoCoreError as exc:  # no answer (a timeout, the connection): as refused
            raise DomainError("Credentials could not be deleted") from _quiet(exc)


def _quiet(exc: Exception) -> Exception:
    """The error without its request (which may quote the secret): only the code travels on."""
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
    return RuntimeError(f"Secrets Manager: {code}")
