"""The API's socket: connections it accepts send at once (no Nagle delay)."""

from __future__ import annotations

import socket

from earnest.run import _listen


def test_accepted_connections_have_tcp_nodelay() -> None:
    with _listen("127.0.0.1", 0) as server:
        with socket.create_connection(server.getsockname()[:2]):
            accepted, _ = server.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
