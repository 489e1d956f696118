"""S3 access, the one adapter every module uses (helpdesk attachments and exports, the support docs bucket):
no other code builds an S3 client.

Presigned URLs are signed with SigV4 by the function's own credentials, so they work for as long as both the
URL's expiry and those credentials last. Locally the endpoint is moto's, path-style, and the URLs point at it.

The client is built on first use, as the other adapters' are (and as pynamodb builds DynamoDB's): the S3 client
loads the largest service model there is (~0.7 x `import boto3`), which a request that does not touch S3 (listing
a ticket's attachments) never needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from opsdesk.awsclients import LazyClient

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
SAFE_DOWNLOAD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class ObjectStore:
    def __init__(self, region: str, endpoint_url: str | None = None, client: S3Client | None = None) -> None:
        # Locally (moto on loopback) path-style; on AWS virtual-hosted style, the default.
        self._client = LazyClient("s3", region=region, endpoint_url=endpoint_url, client=client,
                                  signature_version="s3v4", s3={"addressing_style": "path" if endpoint_url else "auto"},
                                  retries={"max_attempts": 3, "mode": "standard"})

    @property
    def _s3(self) -> S3Client:
        client: S3Client = self._client()
        return client

    def presign_put(self, bucket: str, key: str, *, content_type: str, content_length: int, tagging: str,
                    expires_seconds: int) -> str:
        """A URL for one PUT of this object. Type, length and tagging are signed in: on AWS, a PUT with other
        values fails the signature check (the confirm step checks size and type anyway)."""
        return self._s3.generate_presigned_url(
            "put_object",
            Params={"Bucket": bucket, "Key": key, "ContentType": content_type, "ContentLength": content_length,
                    "Tagging": tagging},
            ExpiresIn=expires_seconds,
            HttpMethod="PUT",
        )

    def presign_get(self, bucket: str, key: str, *, download_name: str, content_type: str,
                    expires_seconds: int) -> str:
        """`download_name`: a plain file name (letters, digits, `.`, `_`, `-`): it goes into the
        Content-Disposition header unescaped."""
        if not SAFE_DOWNLOAD_NAME.fullmatch(download_name):
            raise ValueError(f"not a plain file name: {download_name!r}")
        return self._s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": bucket, "Key": key, "ResponseContentType": content_type,
                    "ResponseContentDisposition": f'attachment; filename="{download_name}"'},
            ExpiresIn=expires_seconds,
        )

    def head(self, bucket: str, key: str) -> dict[str, Any] | None:
        """The object's metadata (ContentLength, ContentType, ...), or None when there is no such object."""
        try:
            return dict(self._s3.head_object(Bucket=bucket, Key=key))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in NOT_FOUND_CODES:
                return None
            raise

    def clear_tags(self, bucket: str, key: str) -> None:
        self._s3.delete_object_tagging(Bucket=bucket, Key=key)

    def delete(self, bucket: str, key: str) -> None:
        """Idempotent: deleting an object that is not there succeeds."""
        self._s3.delete_object(Bucket=bucket, Key=key)

    def put(self, bucket: str, key: str, body: bytes, *, content_type: str) -> None:
        self._s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)

    def get(self, bucket: str, key: str) -> bytes:
        return self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()

    def keys(self, bucket: str, suffix: str = "") -> Iterator[str]:
        """Every key of the bucket ending in `suffix`, page by page (an operator's full re-index, not a request)."""
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents", []):
                if entry["Key"].endswith(suffix):
                    yield entry["Key"]
