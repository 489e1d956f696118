"""boto3 clients made on first use: building one costs about 0.1 s (boto3's import and the service model), which a
cold start should pay only when a request calls the service. Made once under a lock, as boto3's default session
is not safe to build clients from in several threads at once; read without it afterwards (posting threads)."""

from __future__ import annotations

import threading
from typing import Any


class LazyClient:
    def __init__(self, service: str, *, region: str, endpoint_url: str | None = None, client: Any = None,
                 **config: Any) -> None:
        """`config`: botocore Config arguments (timeouts, retries, pool size); `client`: one made already (tests)."""
        self._service = service
        self._region = region
        self._endpoint_url = endpoint_url
        self._config = config
        self._client = client
        self._lock = threading.Lock()

    @property
    def made(self) -> bool:
        return self._client is not None

    def __call__(self) -> Any:
        client = self._client
        if client is not None:
            return client
        with self._lock:
            if self._client is None:
                import boto3  # noqa: PLC0415 - on first use, the point of this class
                from botocore.config import Config  # noqa: PLC0415 - with boto3

                make: Any = boto3.client  # typed per service literal; the service here is a parameter
                self._client = make(self._service, region_name=self._region, endpoint_url=self._endpoint_url,
                                    config=Config(**self._config) if self._config else None)
            return self._client
