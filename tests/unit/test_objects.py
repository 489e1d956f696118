"""The S3 adapter's presigned downloads (opsdesk.objects): signed offline, no request is sent."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from opsdesk.objects import ObjectStore


def store() -> ObjectStore:
    client = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="AKIDEXAMPLE",
                          aws_secret_access_key="secret")
    return ObjectStore("eu-west-1", client=client)


def test_a_download_link_names_its_file_as_an_attachment() -> None:
    url = store().presign_get("exports", "tenants/t/x.csv", download_name="tickets-20260307-090000.csv",
                              content_type="text/csv", expires_seconds=300)

    query = parse_qs(urlsplit(url).query)
    assert query["response-content-disposition"] == ['attachment; filename="tickets-20260307-090000.csv"']


@pytest.mark.parametrize("name", ['a"b.csv', "a\r\nSet-Cookie: x.csv", "../x.csv", "", "x y.csv"])
def test_a_download_name_that_would_need_escaping_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        store().presign_get("exports", "k", download_name=name, content_type="text/csv", expires_seconds=300)
