"""The connections of opsdesk.outbound's client: pinned to the addresses it vetted (no second lookup), TLS checked
against the host name, and every read bounded by one deadline, so a server that drips its bytes cannot hold a
request past its time."""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from functools import cache
from typing import Any

from opsdesk.frozen import frozen

READ_CHUNK = 65_536
MAX_CONNECT_ATTEMPTS = 4


@frozen
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]
    """Every address the host resolved to, all vetted; connections go to these and nowhere else."""

    @property
    def address(self) -> str:
        return self.addresses[0]

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else f"{name}:{self.port}"


def read_capped(response: http.client.HTTPResponse, limit: int) -> tuple[bytes, bool]:
    """At most `limit` bytes of the body, and whether there was more (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = response.read1(min(READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    data = b"".join(chunks)
    return data[:limit], size > limit


class _DeadlineReader(io.RawIOBase):
    """A socket's bytes, every read bounded by what is left until one deadline. It reads through the socket's own
    file (which keeps the descriptor open after http.client closes a connection that answered `close`)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self._sock.settimeout(remaining)
        return self._raw.readinto(buffer) or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def deadline_response(deadline: float) -> type[http.client.HTTPResponse]:
    """A response read entirely before `deadline`, status line and headers included: a server that drips a byte
    at a time (in its headers or its body) cannot hold the call past the read timeout."""

    class DeadlineResponse(http.client.HTTPResponse):
        def __init__(self, sock: socket.socket, debuglevel: int = 0, method: str | None = None,
                     url: str | None = None) -> None:
            super().__init__(sock, debuglevel, method, url)
            self.fp.close()
            self.fp = io.BufferedReader(_DeadlineReader(sock, deadline))

    return DeadlineResponse


@cache
def _tls_context() -> ssl.SSLContext:
    """Certificates verified against the system's CAs and the host name; TLS 1.2 at least."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _connect(target: Target, timeout: float, deadline: float) -> socket.socket:
    """A TCP connection to one of the vetted addresses, in the resolver's order; never a new lookup. Each attempt
    takes `timeout` at most, and none runs past `deadline`."""
    failure: OSError | None = None
    for address in target.addresses[:MAX_CONNECT_ATTEMPTS]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request's time ran out")
        try:
            return socket.create_connection((address, target.port), min(timeout, remaining))
        except OSError as exc:
            failure = exc
    assert failure is not None
    raise failure


def pinned_connection(target: Target, timeout: float, deadline: float) -> http.client.HTTPConnection:
    """A connection to the vetted addresses: TLS still checks the certificate against the host name (SNI)."""
    if target.scheme == "https":
        context = _tls_context()

        class Pinned(http.client.HTTPSConnection):
            def connect(self) -> None:
                raw = _connect(target, timeout, deadline)
                try:
                    self.sock = context.wrap_socket(raw, server_hostname=target.host)
                except BaseException:
                    raw.close()
                    raise

        return Pinned(target.host, target.port, timeout=timeout)

    class PinnedPlain(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = _connect(target, timeout, deadline)

    return PinnedPlain(target.host, target.port, timeout=timeout)
