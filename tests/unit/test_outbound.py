"""The guarded outbound client (opsdesk.outbound): hostile URLs are refused before any connection; allowed local
servers are reached; redirects are re-checked; bodies are capped; failures are clean."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from opsdesk.outbound import GuardedHttpClient, OutboundFailed, OutboundPolicy, OutboundRefused


def resolver(*answers: str) -> Any:
    def resolve(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        family = socket.AF_INET6 if ":" in answers[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port)) for address in answers]
    return resolve


def never_resolves(*_: Any, **__: Any) -> list[tuple[Any, ...]]:
    raise AssertionError("a refused URL must not even be resolved")


HOSTILE_LITERALS = [
    "https://169.254.169.254/latest/meta-data/", "https://2852039166/", "https://0xa9fea9fe/",
    "https://[::ffff:169.254.169.254]/", "https://[::ffff:a9fe:a9fe]/", "https://127.0.0.1/", "https://127.1/",
    "https://2130706433/", "https://0x7f000001/", "https://0177.0.0.1/", "https://[::1]/", "https://10.1.2.3/",
    "https://172.16.0.1/", "https://192.168.1.1/", "https://100.64.0.1/", "https://0.0.0.0/", "https://[fc00::1]/",
    "https://[fe80::1]/", "https://224.0.0.1/", "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:a9fe:a9fe::1]/",
]


@pytest.mark.parametrize("url", HOSTILE_LITERALS)
def test_addresses_in_any_spelling_that_lead_inside_are_refused(url: str) -> None:
    with pytest.raises(OutboundRefused):
        GuardedHttpClient(resolver=never_resolves).vet(url)


@pytest.mark.parametrize("url", [
    "http://example.com/", "ftp://example.com/", "https://user:pw@example.com/", "https://good.example@127.0.0.1/",
    "https://exa mple.com/", "https://ex\u0430mple.com/", "file:///etc/passwd",
])
def test_schemes_credentials_and_odd_hosts_are_refused(url: str) -> None:
    with pytest.raises(OutboundRefused):
        GuardedHttpClient(resolver=never_resolves).vet(url)


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(OutboundRefused, match="private"):
        GuardedHttpClient(resolver=resolver("10.0.0.5")).vet("https://prometheus.example.com/")


def test_a_name_with_one_public_and_one_private_address_is_refused() -> None:
    with pytest.raises(OutboundRefused):
        GuardedHttpClient(resolver=resolver("93.184.216.34", "127.0.0.1")).vet("https://mixed.example.com/")


def test_a_public_name_is_pinned_to_the_address_it_resolved_to() -> None:
    target = GuardedHttpClient(resolver=resolver("93.184.216.34")).vet("https://example.com/api?x=1")

    assert (target.address, target.host, target.port, target.path) == ("93.184.216.34", "example.com", 443,
                                                                         "/api?x=1")


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        status, headers, body = self.routes.get(self.path, (404, {}, b"missing"))
        if self.path == "/slow":
            threading.Event().wait(2)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def local(host: str, **policy: Any) -> GuardedHttpClient:
    return GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({host}), **policy))


def test_an_allowed_local_host_is_reached(server: str) -> None:
    Handler.routes["/ok"] = (200, {"Content-Type": "application/json"}, b'{"ok": true}')

    response = local(server).request("GET", f"http://{server}/ok")

    assert (response.status, response.body) == (200, b'{"ok": true}')


def test_the_same_local_host_is_refused_without_the_allow_list(server: str) -> None:
    with pytest.raises(OutboundRefused):
        GuardedHttpClient().request("GET", f"http://{server}/ok")


def test_a_redirect_to_the_metadata_address_is_refused_at_the_hop(server: str) -> None:
    Handler.routes["/hop"] = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")

    with pytest.raises(OutboundRefused):
        local(server).request("GET", f"http://{server}/hop")


def test_a_body_over_the_cap_is_cut(server: str) -> None:
    Handler.routes["/big"] = (200, {}, b"x" * 5000)

    response = local(server, max_body_bytes=1000).request("GET", f"http://{server}/big")

    assert (len(response.body), response.truncated) == (1000, True)


def test_a_server_too_slow_to_answer_is_a_clean_failure(server: str) -> None:
    Handler.routes["/slow"] = (200, {}, b"late")

    with pytest.raises(OutboundFailed, match="timed out"):
        local(server, read_timeout=0.3).request("GET", f"http://{server}/slow")


def test_only_get_head_and_post_are_sent() -> None:
    with pytest.raises(OutboundRefused):
        GuardedHttpClient().request("DELETE", "https://example.com/")
