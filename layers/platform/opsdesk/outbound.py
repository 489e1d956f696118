"""The one guarded HTTP client for URLs that users supply (monitoring integrations, webhooks, agent tools;
DESIGN.md §3): https only, no private, loopback, link-local (cloud metadata), multicast or reserved address after
DNS resolution, the vetted address pinned for the connection (no second lookup a DNS rebinding could switch),
redirects re-checked hop by hop (credentials dropped when a hop leaves the origin), short timeouts and a capped
body. Hosts on `allowed_http_hosts` (local development) may use plain http and private or loopback addresses,
never link-local, multicast, unspecified or reserved ones.

A host is read as the socket layer reads it: 2130706433, 0x7f000001, 0177.0.0.1 and 127.1 are 127.0.0.1; a host
that looks numeric but is no address, or any host with characters outside a DNS name, is refused as ambiguous.

Policy refusals raise OutboundRefused, network failures OutboundFailed; neither message carries a header value,
a body or the URL's query."""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from opsdesk.frozen import frozen
from opsdesk.outbound_connections import Target, deadline_response, pinned_connection, read_capped

Resolver = Callable[..., list[tuple[Any, ...]]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
METHODS = frozenset({"GET", "HEAD", "POST"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CGNAT = ipaddress.ip_network("100.64.0.0/10")
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
CLOUD_METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "fd00:ec2::254", "fd00:ec2::23", "100.100.100.200", "192.0.0.192"))
"""Instance metadata and credential endpoints outside link-local: EC2 IMDS and EKS Pod Identity over IPv6,
Alibaba Cloud, Oracle Cloud. 169.254.169.254 (AWS, GCP, Azure, OCI) and 169.254.170.2 (ECS) are link-local."""
IETF_PROTOCOL = ipaddress.ip_network("192.0.0.0/24")
"""Not global, though Python 3.11 before its CVE-2024-4032 fix says it is: named here, not left to the patch level."""
USER_AGENT = "opsdesk/1"
MAX_HOST_LENGTH = 253
DNS_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")
CLIENT_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
"""Set by the client only: a caller's Host could not move the pinned address, but could confuse virtual hosts."""
KEPT_ACROSS_ORIGINS = frozenset({"accept", "accept-language", "content-type", "user-agent"})
"""The caller's headers a redirect to another scheme, host or port keeps; every other (credentials) is dropped."""


class OutboundError(Exception):
    """A call to a user's URL did not give a response: refused by the policy, or failed on the network."""


class OutboundRefused(OutboundError):
    """The URL or where it leads is not allowed."""


class OutboundFailed(OutboundError):
    """The call could not be made or finished (DNS, connect, TLS, timeout)."""


@frozen
class OutboundPolicy:
    allowed_http_hosts: frozenset[str] = frozenset()
    """`host` or `host:port` (lowercase; `[::1]:8080` for IPv6) that may use http and private or loopback
    addresses: local development only."""
    connect_timeout: float = 3.0
    """Seconds for each TCP connect (and the TLS handshake)."""
    read_timeout: float = 5.0
    """Seconds from the request sent to the last byte of the response read, redirects each counted anew."""
    total_timeout: float = 10.0
    """Seconds for one request whole: its redirects, each connect, handshake and read. A connection test makes at
    most two (Grafana's), so it answers before the function's 25 s timeout however slow the server."""
    max_body_bytes: int = 262_144
    max_redirects: int = 3


@dataclass
class OutboundResponse:
    status: int
    headers: dict[str, str]
    """Lowercase names."""
    body: bytes
    url: str
    """The URL that answered (after redirects)."""
    elapsed_ms: float
    truncated: bool = False
    """The body was longer than the policy's max_body_bytes and was cut there."""

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON (or was truncated)."""
        if self.truncated:
            return None
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):  # RecursionError: `[[[[...` nested past the interpreter's stack
            return None


HARD_RULES: tuple[tuple[str, Callable[[Any], bool]], ...] = (
    ("link-local address (cloud metadata)", lambda a: a.is_link_local),
    ("cloud metadata address", lambda a: a in CLOUD_METADATA),
    ("multicast address", lambda a: a.is_multicast),
    ("unspecified address", lambda a: a.is_unspecified or a in THIS_NETWORK),
    ("reserved address", lambda a: a.is_reserved),
    ("site-local address", lambda a: isinstance(a, ipaddress.IPv6Address) and a.is_site_local),
)
"""Never called, not even for an allow-listed host."""
SOFT_RULES: tuple[tuple[str, Callable[[Any], bool]], ...] = (
    ("loopback address", lambda a: a.is_loopback),
    ("shared (CGNAT) address", lambda a: a in CGNAT),
    ("IETF protocol assignment address", lambda a: a in IETF_PROTOCOL),
    ("private address", lambda a: a.is_private or not a.is_global),
)
"""Not called unless the host is on the stage's allow-list (a local stack on loopback or a private network)."""


def forbidden_address(address: Address, *, private_ok: bool = False) -> str | None:
    """Why a resolved address may not be called, or None. An IPv6 address that carries an IPv4 one (mapped,
    6to4, NAT64) is judged by the IPv4 address it leads to; a Teredo tunnel address is never called."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo:
            return "Teredo tunnel address"
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return forbidden_address(embedded, private_ok=private_ok)
    if private_ok and address.is_loopback:
        return None  # ::1 sits in ::/8, which `is_reserved` covers: an allow-listed localhost must still work
    rules = HARD_RULES if private_ok else HARD_RULES + SOFT_RULES
    return next((reason for reason, applies in rules if applies(address)), None)


def parse_host(host: str) -> Address | None:
    """The address a URL's host names itself (lowercase, brackets and one trailing dot removed), read as the
    socket layer reads it (inet_aton: 127.1, 0x7f000001, 0177.0.0.1, 2130706433); None for a DNS name.
    OutboundRefused for anything that is neither a clean address nor a clean DNS name."""
    if ":" in host:
        try:
            address = ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise OutboundRefused("the host is not a valid IPv6 address") from exc
        if address.scope_id:
            raise OutboundRefused("IPv6 zone identifiers are not allowed")
        return address
    labels = host.split(".")
    if NUMERIC_LABEL.fullmatch(labels[-1]):
        # What a browser and the resolver both read as an IPv4 address (WHATWG URL): it must be a valid one.
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError) as exc:
            raise OutboundRefused("the host looks numeric but is no valid IPv4 address") from exc
    if len(host) > MAX_HOST_LENGTH or not all(DNS_LABEL.fullmatch(label) for label in labels):
        raise OutboundRefused("the host is not a valid DNS name")
    return None


class GuardedHttpClient:
    def __init__(self, policy: OutboundPolicy | None = None, resolver: Resolver = socket.getaddrinfo) -> None:
        self.policy = policy or OutboundPolicy()
        self._resolve = resolver

    def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None,
                body: bytes | None = None) -> OutboundResponse:
        method = method.upper()
        if method not in METHODS:
            raise OutboundRefused(f"method {method[:16]} is not allowed (GET, HEAD, POST)")
        sent = _checked_headers(headers or {})
        started = time.monotonic()
        deadline = started + self.policy.total_timeout
        current = url
        origin: tuple[str, str, int] | None = None
        for _ in range(self.policy.max_redirects + 1):
            target = self.vet(current)
            if origin is not None and target.origin != origin:
                sent = {k: v for k, v in sent.items() if k.lower() in KEPT_ACROSS_ORIGINS}
            origin = target.origin
            status, reply_headers, data, truncated = self._send(target, method, sent, body, deadline)
            location = reply_headers.get("location")
            if status in REDIRECTS and location:
                current = urljoin(current, location.strip())
                if status == 303 or (status in (301, 302) and method == "POST"):
                    method, body = "GET", None
                continue
            return OutboundResponse(status, reply_headers, data, current,
                                    round((time.monotonic() - started) * 1000, 1), truncated)
        raise OutboundRefused(f"more than {self.policy.max_redirects} redirects")

    def get_json(self, url: str, *, headers: Mapping[str, str] | None = None) -> tuple[OutboundResponse, Any]:
        """GET with `Accept: application/json`: the response and its body as JSON (None when it is not JSON)."""
        response = self.request("GET", url, headers={"Accept": "application/json", **(headers or {})})
        return response, response.json()

    def vet(self, url: str) -> Target:
        """Where `url` may be called (the pinned addresses), or OutboundRefused."""
        parts = _split(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise OutboundRefused("only http(s) URLs")
        if parts.username is not None or parts.password is not None or "@" in parts.netloc:
            raise OutboundRefused("credentials in the URL are not allowed")
        host = (parts.hostname or "").lower()
        host = host[:-1] if host.endswith(".") else host
        if not host:
            raise OutboundRefused("the URL needs a host")
        literal = parse_host(host)
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise OutboundRefused("the URL's port is not valid") from exc
        if parts.port == 0:
            raise OutboundRefused("the URL's port is not valid")
        allowed = self._allow_listed(host, port)
        if scheme == "http" and not allowed:
            raise OutboundRefused("only https URLs (plain http only for hosts the stage allows)")
        addresses = [literal] if literal is not None else self._addresses(host, port)
        for address in addresses:
            reason = forbidden_address(address, private_ok=allowed)
            if reason:
                raise OutboundRefused(f"{host} leads to a {reason}")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return Target(scheme, host, port, path, tuple(dict.fromkeys(str(a) for a in addresses)))

    def _allow_listed(self, host: str, port: int) -> bool:
        name = f"[{host}]" if ":" in host else host
        return bool({host, name, f"{name}:{port}"} & self.policy.allowed_http_hosts)

    def _addresses(self, host: str, port: int) -> list[Address]:
        try:
            found = self._resolve(host, port, type=socket.SOCK_STREAM)
            addresses = [ipaddress.ip_address(str(info[4][0])) for info in found]
        except (OSError, ValueError) as exc:  # gaierror; UnicodeError for a label the IDNA codec refuses
            raise OutboundFailed(f"{host} does not resolve") from exc
        if not addresses:
            raise OutboundFailed(f"{host} does not resolve")
        return addresses

    def _send(self, target: Target, method: str, headers: Mapping[str, str],
              body: bytes | None, deadline: float) -> tuple[int, dict[str, str], bytes, bool]:
        """One hop, over by `deadline` (the whole request's) at the latest."""
        connection = pinned_connection(target, self.policy.connect_timeout, deadline)
        try:
            connection.connect()
            assert connection.sock is not None
            read_until = min(time.monotonic() + self.policy.read_timeout, deadline)
            connection.sock.settimeout(max(read_until - time.monotonic(), 0.001))
            connection.response_class = deadline_response(read_until)
            connection.request(method, target.path, body=body, headers={
                "Host": target.host_header, "User-Agent": USER_AGENT, **headers})
            response = connection.getresponse()
            reply_headers = {k.lower(): v for k, v in response.getheaders()}
            data, truncated = (b"", False) if method == "HEAD" else read_capped(response, self.policy.max_body_bytes)
            return response.status, reply_headers, data, truncated
        except TimeoutError as exc:
            raise OutboundFailed(f"{target.host} timed out") from exc
        except ssl.SSLError as exc:
            raise OutboundFailed(f"TLS with {target.host} failed ({exc.reason or 'handshake'})") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise OutboundFailed(f"{target.host} could not be reached ({type(exc).__name__})") from exc
        finally:
            connection.close()


def _split(url: str) -> SplitResult:
    if not url.isascii() or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise OutboundRefused("the URL holds spaces, control or non-ASCII characters (use punycode)")
    if "\\" in url:
        raise OutboundRefused("the URL holds a backslash")
    try:
        return urlsplit(url)
    except ValueError as exc:  # an unclosed or invalid [IPv6] host
        raise OutboundRefused("the URL is malformed") from exc


def _checked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The caller's headers, refused (by name only: a value may be a secret) when they could split the request."""
    for name, value in headers.items():
        if not HEADER_NAME.fullmatch(name):
            raise OutboundRefused("a header name is not valid")
        if name.lower() in CLIENT_HEADERS:
            raise OutboundRefused(f"header {name} is set by the client")
        if not isinstance(value, str) or not HEADER_VALUE.fullmatch(value):
            raise OutboundRefused(f"header {name} has a value with line breaks or non-ASCII characters")
    return dict(headers)
