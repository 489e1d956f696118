"""The guarded outbound client (opsdesk.outbound): hostile URLs are refused before any connection; allowed local
servers are reached; redirects are re-checked; bodies are capped; failures are clean."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote

import pytest

from opsdesk.outbound import (
    GuardedHttpClient,
    OutboundError,
    OutboundFailed,
    OutboundPolicy,
    OutboundRefused,
    OutboundResponse,
    forbidden_address,
)


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


LAG_SECONDS = 0.25
"""How long each `/lag...` route waits before it answers."""


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        status, headers, body = self.routes.get(self.path, (404, {}, b"missing"))
        if self.path == "/slow":
            threading.Event().wait(2)
        if self.path.startswith("/lag"):
            threading.Event().wait(LAG_SECONDS)
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


def test_redirects_each_answered_in_time_still_end_when_the_requests_whole_time_is_up(server: str) -> None:
    # Given a server whose every hop answers within the read timeout, but that redirects three times
    for hop in range(3):
        Handler.routes[f"/lag{hop}"] = (302, {"Location": f"/lag{hop + 1}"}, b"")
    Handler.routes["/lag3"] = (200, {}, b"finally")
    client = local(server, read_timeout=4 * LAG_SECONDS, total_timeout=2.5 * LAG_SECONDS)

    # When it is called, Then the four hops' time together ends it as a timeout
    with pytest.raises(OutboundFailed, match="timed out"):
        client.request("GET", f"http://{server}/lag0")
    # while the same server is reached whole when the request may take that long
    assert local(server, total_timeout=40 * LAG_SECONDS).request("GET", f"http://{server}/lag0").body == b"finally"


def test_a_body_nested_past_the_interpreters_stack_is_not_json() -> None:
    for body in (b"[" * 200_000, b'{"a":' * 50_000):
        assert OutboundResponse(200, {}, body, "https://example.com/", 1.0).json() is None


@pytest.mark.parametrize("address", ["192.0.0.192", "192.0.0.8", "192.0.0.170"])
def test_the_ietf_protocol_block_and_oracle_clouds_metadata_address_are_never_called(address: str) -> None:
    # Python 3.11's tables called 192.0.0.0/24 global before a patch release: the guard names the block itself
    assert forbidden_address(ipaddress.ip_address(address)) is not None
    assert (forbidden_address(ipaddress.ip_address("192.0.0.192"), private_ok=True)
            == "cloud metadata address")


def test_only_get_head_and_post_are_sent() -> None:
    with pytest.raises(OutboundRefused):
        GuardedHttpClient().request("DELETE", "https://example.com/")


# Malformed and ambiguous URLs: refused, never a ValueError or UnicodeError from the parser or the resolver.

@pytest.mark.parametrize("url", [
    "https://[::1/", "https://[evil.com]/", "https://" + "a" * 70 + ".com/", "https://example.com:0/",
    "https://example.com:99999/", "https://%31%32%37.0.0.1/", "https://127.0.0.1\\.evil.com/",
    "https://1.2.3.4.5/", "https://256.0.0.1/", "https://0x/", "https://[fe80::1%25eth0]/",
    "https://\uff11\uff12\uff17.0.0.1/", "https://127.0.0.1\t/", "https://example.com/caf\u00e9", "https:///path",
    "https://ex..ample.com/", "https://-example.com/", "https://[::ffff:127.0.0.1]/", "https://127.0.0.1./",
    "HTTPS://0X7F.1:443/",
])
def test_malformed_and_ambiguous_urls_are_refused_not_crashed_on(url: str) -> None:
    with pytest.raises(OutboundRefused):
        GuardedHttpClient(resolver=never_resolves).vet(url)


class ConnectSpy:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    def __call__(self, address: Any, *_: Any, **__: Any) -> Any:
        self.calls.append(address)
        raise AssertionError("a refused URL must never be connected to")


@pytest.fixture
def connect_spy(monkeypatch: pytest.MonkeyPatch) -> ConnectSpy:
    spy = ConnectSpy()
    monkeypatch.setattr(socket, "create_connection", spy)
    return spy


@pytest.mark.parametrize(("url", "answers"), [
    *[(url, ()) for url in HOSTILE_LITERALS],
    ("http://example.com/", ("93.184.216.34",)),
    ("https://good.example@127.0.0.1/", ()),
    ("https://prometheus.example.com/", ("10.0.0.5",)),
    ("https://mixed.example.com/", ("93.184.216.34", "10.0.0.5")),
    ("https://v6.example.com/", ("2606:2800:220:1::1", "::ffff:169.254.169.254")),
    ("https://rebind.example.com/", ("169.254.169.254",)),
])
def test_a_refused_request_never_opens_a_socket(connect_spy: ConnectSpy, url: str, answers: tuple[str, ...]) -> None:
    client = GuardedHttpClient(resolver=resolver(*answers) if answers else never_resolves)

    with pytest.raises(OutboundRefused):
        client.request("GET", url)

    assert connect_spy.calls == []


def test_an_allow_listed_host_still_never_reaches_link_local_or_multicast() -> None:
    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({"169.254.169.254", "meta.local"})),
                               resolver=resolver("169.254.170.2"))

    for url in ("http://169.254.169.254/latest/meta-data/", "http://meta.local/"):
        with pytest.raises(OutboundRefused, match="link-local"):
            client.vet(url)


@pytest.mark.parametrize(("address", "refused"), [
    ("8.8.8.8", False), ("::ffff:8.8.8.8", False), ("2002:808:808::1", False), ("64:ff9b::808:808", False),
    ("2606:4700::1111", False), ("2001:0:4136:e378:8000:63bf:3fff:fdd2", True), ("fec0::1", True),
    ("::127.0.0.1", True), ("240.0.0.1", True), ("255.255.255.255", True), ("0.1.2.3", True),
    ("198.18.0.1", True), ("2001:db8::1", True), ("ff02::1", True),
])
def test_addresses_are_judged_by_where_they_lead(address: str, refused: bool) -> None:
    assert (forbidden_address(ipaddress.ip_address(address)) is not None) is refused


def test_private_and_loopback_are_allowed_only_for_allow_listed_hosts() -> None:
    assert forbidden_address(ipaddress.ip_address("10.0.0.5"), private_ok=True) is None
    assert forbidden_address(ipaddress.ip_address("::1"), private_ok=True) is None
    assert forbidden_address(ipaddress.ip_address("fe80::1"), private_ok=True) is not None


def test_a_header_that_could_split_the_request_is_refused_without_showing_its_value() -> None:
    secret = "tok3n-value"

    with pytest.raises(OutboundRefused) as refused:
        GuardedHttpClient().request("GET", "https://example.com/", headers={"Authorization": f"{secret}\r\nX: y"})
    with pytest.raises(OutboundRefused, match="set by the client"):
        GuardedHttpClient().request("GET", "https://example.com/", headers={"host": "internal.example"})

    assert secret not in str(refused.value)


# Against a local server: pinning, redirects, methods, caps and failures.

class Echo(BaseHTTPRequestHandler):
    """/echo answers with the request's method, headers and body; /to?u=URL redirects there with ?s=STATUS;
    /drip sends its body one byte at a time."""

    def _answer(self) -> None:
        path, _, query = self.path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        if path == "/to":
            self.send_response(int(params.get("s", "302")))
            self.send_header("Location", unquote(params["u"]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                threading.Event().wait(0.05)
            return
        length = int(self.headers.get("Content-Length") or 0)
        data = json.dumps({"method": self.command, "headers": dict(self.headers.items()),
                           "body": self.rfile.read(length).decode()}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_HEAD = _answer  # noqa: N815 - http.server's names

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def echo() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield int(httpd.server_address[1])
    httpd.shutdown()


def test_a_name_is_resolved_once_and_the_connection_pinned_with_its_host_header(echo: int) -> None:
    lookups: list[str] = []

    def pinned(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({f"svc.test:{echo}"})), resolver=pinned)

    response = client.request("GET", f"http://svc.test:{echo}/echo")

    assert lookups == ["svc.test"]
    assert json.loads(response.body)["headers"]["Host"] == f"svc.test:{echo}"


def test_credentials_follow_a_redirect_on_the_same_origin_only(echo: int) -> None:
    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({f"127.0.0.1:{echo}",
                                                                            f"localhost:{echo}"})))
    headers = {"Authorization": "Bearer secret", "DD-API-KEY": "secret", "Accept": "application/json"}

    same = client.request("GET", f"http://127.0.0.1:{echo}/to?u={quote('/echo', safe='')}", headers=headers)
    other = client.request("GET", f"http://127.0.0.1:{echo}/to?u={quote(f'http://localhost:{echo}/echo', safe='')}",
                           headers=headers)

    assert json.loads(same.body)["headers"]["Authorization"] == "Bearer secret"
    assert json.loads(same.body)["headers"]["DD-API-KEY"] == "secret"
    sent = json.loads(other.body)["headers"]
    assert "Authorization" not in sent and "DD-API-KEY" not in sent and sent["Accept"] == "application/json"
    assert other.url == f"http://localhost:{echo}/echo"


def test_a_303_turns_a_post_into_a_get_and_a_307_keeps_it(echo: int) -> None:
    client = local(f"127.0.0.1:{echo}")
    to_echo = quote("/echo", safe="")

    see_other = client.request("POST", f"http://127.0.0.1:{echo}/to?s=303&u={to_echo}", body=b"payload")
    temporary = client.request("POST", f"http://127.0.0.1:{echo}/to?s=307&u={to_echo}", body=b"payload")

    assert json.loads(see_other.body)["method"] == "GET"
    assert (json.loads(temporary.body)["method"], json.loads(temporary.body)["body"]) == ("POST", "payload")


def test_head_answers_without_a_body(echo: int) -> None:
    response = local(f"127.0.0.1:{echo}").request("HEAD", f"http://127.0.0.1:{echo}/echo")

    assert (response.status, response.body) == (200, b"")


def test_more_redirects_than_allowed_are_refused(echo: int) -> None:
    url = f"http://127.0.0.1:{echo}/echo"
    for _ in range(3):
        url = f"http://127.0.0.1:{echo}/to?u={quote(url, safe='')}"

    assert local(f"127.0.0.1:{echo}").request("GET", url).status == 200
    with pytest.raises(OutboundRefused, match="redirects"):
        local(f"127.0.0.1:{echo}", max_redirects=2).request("GET", url)


def test_a_redirect_to_a_scheme_other_than_http_is_refused(echo: int) -> None:
    with pytest.raises(OutboundRefused):
        local(f"127.0.0.1:{echo}").request("GET", f"http://127.0.0.1:{echo}/to?u={quote('file:///etc/passwd')}")


def test_a_server_dripping_its_body_is_cut_off_at_the_read_timeout(echo: int) -> None:
    started = time.monotonic()

    with pytest.raises(OutboundFailed, match="timed out"):
        local(f"127.0.0.1:{echo}", read_timeout=0.5).request("GET", f"http://127.0.0.1:{echo}/drip")

    assert time.monotonic() - started < 2


def test_tls_with_a_server_that_does_not_speak_it_is_a_clean_failure(echo: int) -> None:
    with pytest.raises(OutboundFailed):
        local(f"127.0.0.1:{echo}").request("GET", f"https://127.0.0.1:{echo}/echo")


def test_a_closed_port_is_a_clean_failure() -> None:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]

    with pytest.raises(OutboundFailed, match="could not be reached"):
        local(f"127.0.0.1:{port}").request("GET", f"http://127.0.0.1:{port}/")


def test_refusals_and_failures_share_one_base_a_caller_can_catch() -> None:
    assert issubclass(OutboundRefused, OutboundError) and issubclass(OutboundFailed, OutboundError)


def test_a_name_that_does_not_resolve_is_a_clean_failure() -> None:
    def nxdomain(*_: Any, **__: Any) -> list[tuple[Any, ...]]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(OutboundFailed, match="does not resolve"):
        GuardedHttpClient(resolver=nxdomain).request("GET", "https://nowhere.example/")


def test_a_server_dripping_its_headers_is_cut_off_at_the_read_timeout() -> None:
    # Given a server that sends its status line and one endless header a byte every 50 ms
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def drip() -> None:
            conn, _ = listener.accept()
            with conn, contextlib.suppress(OSError):  # the client hangs up at its deadline
                conn.recv(65_536)
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
                    conn.sendall(bytes([byte]))
                    time.sleep(0.05)

        threading.Thread(target=drip, daemon=True).start()
        started = time.monotonic()

        # When it is called with a 0.5 s read timeout, Then the call fails cleanly at that timeout, not per byte
        with pytest.raises(OutboundFailed, match="timed out"):
            local(f"127.0.0.1:{port}", read_timeout=0.5).request("GET", f"http://127.0.0.1:{port}/")

        assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("address", ["fd00:ec2::254", "fd00:ec2::23", "100.100.100.200", "169.254.170.2"])
def test_cloud_metadata_addresses_are_refused_even_for_an_allow_listed_name(address: str) -> None:
    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({"meta.local"})), resolver=resolver(address))

    with pytest.raises(OutboundRefused, match="metadata"):
        client.vet("http://meta.local/latest/meta-data/")


# TLS on a pinned address: the certificate is checked against the URL's name, which is also the SNI and Host.

@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str, list[str]]]:
    """An https server on 127.0.0.1 with a certificate for monitor.test from a private CA: (port, the CA file,
    the SNI names it was asked for)."""
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "opsdesk test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(hours=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "monitor.test")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("monitor.test")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "cert.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    context.sni_callback = lambda _sock, name, _context: names.append(str(name)) and None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield int(httpd.server_address[1]), str(folder / "ca.pem"), names
    httpd.shutdown()


def trusting(monkeypatch: pytest.MonkeyPatch, ca_file: str) -> None:
    import ssl

    from opsdesk import outbound_connections

    context = ssl.create_default_context(cafile=ca_file)
    monkeypatch.setattr(outbound_connections, "_tls_context", lambda: context)


def test_https_to_a_pinned_address_checks_the_certificate_against_the_name(
        tls_server: tuple[int, str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    # Given monitor.test resolving to the local TLS server, and the server's CA trusted
    port, ca_file, names = tls_server
    trusting(monkeypatch, ca_file)
    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({f"monitor.test:{port}"})),
                               resolver=resolver("127.0.0.1"))

    # When it is called by name
    response = client.request("GET", f"https://monitor.test:{port}/echo")

    # Then the connection went to the pinned address, with the name as SNI and Host
    assert response.status == 200 and names[-1] == "monitor.test"
    assert json.loads(response.body)["headers"]["Host"] == f"monitor.test:{port}"


def test_https_to_a_pinned_address_under_another_name_fails_the_certificate_check(
        tls_server: tuple[int, str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    port, ca_file, _ = tls_server
    trusting(monkeypatch, ca_file)
    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({f"other.test:{port}"})),
                               resolver=resolver("127.0.0.1"))

    with pytest.raises(OutboundFailed, match="TLS with other.test failed"):
        client.request("GET", f"https://other.test:{port}/echo")


def test_https_with_a_certificate_from_an_unknown_ca_fails(tls_server: tuple[int, str, list[str]]) -> None:
    port, _, _ = tls_server
    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({f"monitor.test:{port}"})),
                               resolver=resolver("127.0.0.1"))

    with pytest.raises(OutboundFailed, match="CERTIFICATE_VERIFY_FAILED"):
        client.request("GET", f"https://monitor.test:{port}/echo")
