"""The one guarded HTTP client for URLs that users supply (monitoring integrations, webhooks, agent tools;
DESIGN.md §3): https only, no private, loopback, link-local (cloud metadata), multicast or reserved address after
DNS resolution, the vetted address pinned for the connection (no second lookup a DNS rebinding could switch),
redirects re-checked hop by hop, short timeouts and a capped body. Hosts on `allowed_http_hosts` (local
development) may use plain http and private addresses.

Policy refusals raise OutboundRefused, network failures OutboundFailed; neither message carries header values."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

Resolver = Callable[..., list[tuple[Any, ...]]]
METHODS = frozenset({"GET", "HEAD", "POST"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundRefused(Exception):
    """The URL or where it leads is not allowed."""


class OutboundFailed(Exception):
    """The call could not be made or finished (DNS, connect, TLS, timeout)."""


@dataclass(frozen=True)
class OutboundPolicy:
    allowed_http_hosts: frozenset[str] = frozenset()
    """`host` or `host:port` (lowercase) that may use http and private addresses: local development only."""
    connect_timeout: float = 3.0
    read_timeout: float = 5.0
    max_body_bytes: int = 262_144
    max_redirects: int = 3


@dataclass
class OutboundResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str
    elapsed_ms: float
    truncated: bool = False
    json_body: Any = field(default=None, repr=False)


ADDRESS_RULES: tuple[tuple[str, Callable[[Any], bool]], ...] = (
    ("loopback address", lambda a: a.is_loopback),
    ("link-local address (cloud metadata)", lambda a: a.is_link_local),
    ("multicast address", lambda a: a.is_multicast),
    ("unspecified address", lambda a: a.is_unspecified),
    ("shared (CGNAT) address", lambda a: isinstance(a, ipaddress.IPv4Address) and a in CGNAT),
    ("private address", lambda a: a.is_private or a.is_reserved or not a.is_global),
)


def forbidden_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why a resolved address may not be called, or None. An IPv6 address that carries an IPv4 one (mapped,
    6to4, Teredo, NAT64) is judged by the IPv4 address it leads to."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return forbidden_address(embedded)
    return next((reason for reason, applies in ADDRESS_RULES if applies(address)), None)


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names itself, in any form the socket layer accepts (127.1, 0x7f000001, 017700000001,
    2130706433, [::1]); None for a DNS name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


class GuardedHttpClient:
    def __init__(self, policy: OutboundPolicy | None = None, resolver: Resolver = socket.getaddrinfo) -> None:
        self.policy = policy or OutboundPolicy()
        self._resolve = resolver

    def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None,
                body: bytes | None = None) -> OutboundResponse:
        method = method.upper()
        if method not in METHODS:
            raise OutboundRefused(f"method {method} is not allowed")
        started = time.monotonic()
        current = url
        for _ in range(self.policy.max_redirects + 1):
            target = self.vet(current)
            status, reply_headers, data, truncated = self._send(target, method, headers or {}, body)
            location = reply_headers.get("location")
            if status in REDIRECTS and location:
                current = urljoin(current, location)
                if status == 303 or (status in (301, 302) and method == "POST"):
                    method, body = "GET", None
                continue
            return OutboundResponse(status, reply_headers, data, current, (time.monotonic() - started) * 1000,
                                    truncated)
        raise OutboundRefused(f"more than {self.policy.max_redirects} redirects")

    def vet(self, url: str) -> _Target:
        """Where `url` may be called (the pinned address), or OutboundRefused."""
        if any(ord(c) < 33 or ord(c) == 127 for c in url):
            raise OutboundRefused("the URL holds spaces or control characters")
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise OutboundRefused("only http(s) URLs")
        if parts.username is not None or parts.password is not None or "@" in parts.netloc:
            raise OutboundRefused("credentials in the URL are not allowed")
        host = (parts.hostname or "").rstrip(".").lower()
        if not host or not host.isascii():
            raise OutboundRefused("the URL needs an ASCII host name")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise OutboundRefused("bad port") from exc
        allowed = host in self.policy.allowed_http_hosts or f"{host}:{port}" in self.policy.allowed_http_hosts
        if scheme == "http" and not allowed:
            raise OutboundRefused("only https URLs (plain http only for hosts the stage allows)")
        addresses = self._addresses(host, port)
        if not allowed:
            for address in addresses:
                reason = forbidden_address(address)
                if reason:
                    raise OutboundRefused(f"{host} leads to a {reason}")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return _Target(scheme, host, port, path, str(addresses[0]))

    def _addresses(self, host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        literal = _literal(host)
        if literal is not None:
            return [literal]
        try:
            found = self._resolve(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise OutboundFailed(f"{host} does not resolve") from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
        if not addresses:
            raise OutboundFailed(f"{host} does not resolve")
        return addresses

    def _send(self, target: _Target, method: str, headers: Mapping[str, str],
              body: bytes | None) -> tuple[int, dict[str, str], bytes, bool]:
        connection = _pinned_connection(target, self.policy.connect_timeout)
        try:
            connection.connect()
            assert connection.sock is not None
            connection.sock.settimeout(self.policy.read_timeout)
            connection.request(method, target.path, body=body, headers={
                "Host": target.host if target.port in (80, 443) else f"{target.host}:{target.port}",
                "User-Agent": "opsdesk/1", **dict(headers)})
            response = connection.getresponse()
            data = response.read(self.policy.max_body_bytes + 1) if method != "HEAD" else b""
            reply_headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, reply_headers, data[:self.policy.max_body_bytes], \
                len(data) > self.policy.max_body_bytes
        except TimeoutError as exc:
            raise OutboundFailed(f"{target.host} timed out") from exc
        except ssl.SSLError as exc:
            raise OutboundFailed(f"TLS with {target.host} failed ({exc.reason or 'handshake'})") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise OutboundFailed(f"{target.host} could not be reached ({type(exc).__name__})") from exc
        finally:
            connection.close()


def _pinned_connection(target: _Target, timeout: float) -> http.client.HTTPConnection:
    """A connection to the vetted address: TLS still checks the certificate against the host name (SNI)."""
    if target.scheme == "https":
        context = ssl.create_default_context()

        class Pinned(http.client.HTTPSConnection):
            def connect(self) -> None:
                raw = socket.create_connection((target.address, target.port), timeout)
                self.sock = context.wrap_socket(raw, server_hostname=target.host)

        return Pinned(target.host, target.port, timeout=timeout)

    class PinnedPlain(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = socket.create_connection((target.address, target.port), timeout)

    return PinnedPlain(target.host, target.port, timeout=timeout)
