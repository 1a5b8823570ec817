"""A TCP proxy on 127.0.0.1 that cuts each connection after N bytes in one direction: a
server or network dropping in the middle of a transfer (a FETCH literal, an SMTP DATA)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest


class CuttingProxy:
    """Relays to upstream; with `cut_after` set, a connection is closed once that many bytes
    went `direction` ("down": server to client, "up": client to server)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.cut_after: int | None = None
        self.direction = "down"
        self.cuts = 0  # connections cut so far
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            budget = {"up": None, "down": None}
            if self.cut_after is not None:
                budget[self.direction] = self.cut_after
            state = {"left": dict(budget)}
            for src, dst, way in ((client, server, "up"), (server, client, "down")):
                threading.Thread(
                    target=self._pump, args=(src, dst, way, state, client, server), daemon=True
                ).start()

    def _pump(
        self, src: socket.socket, dst: socket.socket, way: str, state: dict,
        client: socket.socket, server: socket.socket,
    ) -> None:  # fmt: skip
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                left = state["left"][way]
                if left is not None and len(data) >= left:
                    dst.sendall(data[:left])
                    self.cuts += 1
                    break
                if left is not None:
                    state["left"][way] = left - len(data)
                dst.sendall(data)
        except OSError:
            pass
        for s in (client, server):  # one side gone: both go, as a dropped link does
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()


@pytest.fixture
def cutting_proxy() -> Iterator[type[CuttingProxy]]:
    made: list[CuttingProxy] = []

    def make(upstream: tuple[str, int]) -> CuttingProxy:
        proxy = CuttingProxy(upstream)
        made.append(proxy)
        return proxy

    yield make  # type: ignore[misc]
    for proxy in made:
        proxy.close()
