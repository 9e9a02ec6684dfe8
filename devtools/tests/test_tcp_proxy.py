"""The forwarder the outage tests put in front of the database: it forwards both ways, drops
every connection when stopped, refuses new ones, and serves the same port again when started."""

import socket
import socketserver
import threading

import pytest

from devtools.tcp_proxy import TcpProxy


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            while data := self.request.recv(65536):
                self.request.sendall(data.upper())
        except ConnectionResetError:
            pass  # the proxy dropped the connection: what the tests make it do


@pytest.fixture
def echo_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address
    server.shutdown()
    server.server_close()


def exchange(conn, data):
    conn.sendall(data)
    received = b""
    while len(received) < len(data):
        chunk = conn.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def ended(conn):
    """Whether the other side has gone: nothing more to read, or a reset."""
    try:
        return conn.recv(1) == b""
    except ConnectionResetError:
        return True


def test_forwards_both_ways_on_a_port_of_its_own(echo_server):
    with TcpProxy(echo_server) as proxy:
        assert proxy.port not in (0, echo_server[1])
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as conn:
            assert exchange(conn, b"hello") == b"HELLO"
            big = b"x" * 1_000_000
            assert exchange(conn, big) == big.upper()


def test_stopping_drops_open_connections_and_refuses_new_ones(echo_server):
    proxy = TcpProxy(echo_server).start()
    conn = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    assert exchange(conn, b"before") == b"BEFORE"

    proxy.stop()

    assert ended(conn)
    conn.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=5)


def test_starting_again_serves_the_same_port(echo_server):
    proxy = TcpProxy(echo_server).start()
    port = proxy.port
    proxy.stop()

    proxy.start()
    try:
        assert proxy.port == port
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            assert exchange(conn, b"again") == b"AGAIN"
        assert proxy.connections == 1
    finally:
        proxy.stop()


def test_a_target_that_is_away_ends_the_clients_connection():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nobody = probe.getsockname()
    with TcpProxy(nobody) as proxy:
        try:
            conn = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
        except ConnectionResetError:
            return  # reset before the connection was even reported open
        with conn:
            assert ended(conn)
