"""The portal over HTTPS on loopback, as a scanner of security headers sees a production site:
a self-signed certificate for 127.0.0.1 and localhost, and one port that answers both TLS and
plain HTTP (so that `https://127.0.0.1:PORT/` and `http://127.0.0.1:PORT/` are the same site, as
ports 443 and 80 are for a real host name).

SharedPort listens on a free port and hands each connection, by its first byte, to one of two
servers: a TLS handshake (0x16) to the HTTPS server, anything else to the plain HTTP one. It
passes the bytes through untouched, so TLS ends in the HTTPS server itself.
"""

import contextlib
import selectors
import socket
import subprocess
import threading

TLS_HANDSHAKE = 0x16


def make_certificate(folder, openssl="openssl"):
    """A self-signed certificate for 127.0.0.1 and localhost, valid two days, and its key, in
    `folder`: (certificate path, key path)."""
    certificate, key = folder / "loopback.crt", folder / "loopback.key"
    subprocess.run(  # noqa: S603 (the arguments are all ours)
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


def listening_socket():
    """A TCP socket listening on a free loopback port."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    return server


def _pipe(one, other):
    """Copy bytes both ways between two connected sockets until both sides are done."""
    selector = selectors.DefaultSelector()
    selector.register(one, selectors.EVENT_READ, other)
    selector.register(other, selectors.EVENT_READ, one)
    open_sides = 2
    try:
        while open_sides:
            ready = selector.select(timeout=60)
            if not ready:
                break  # a minute without a byte either way: give the connection up
            for key, _events in ready:
                source, target = key.fileobj, key.data
                try:
                    data = source.recv(65536)
                except OSError:
                    data = b""
                if data:
                    target.sendall(data)
                    continue
                selector.unregister(source)
                open_sides -= 1
                with contextlib.suppress(OSError):
                    target.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        selector.close()
        one.close()
        other.close()


class SharedPort:
    """One loopback port in front of an HTTPS and a plain HTTP server (their addresses); a
    context manager that stops listening on exit."""

    def __init__(self, https_address, http_address):
        self.https_address, self.http_address = https_address, http_address
        self.server = listening_socket()
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self.thread.join(timeout=10)

    def _serve(self):
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._hand_over, args=(client,), daemon=True).start()

    def _hand_over(self, client):
        try:
            client.settimeout(30)
            first = client.recv(1, socket.MSG_PEEK)
            if not first:
                client.close()
                return
            address = self.https_address if first[0] == TLS_HANDSHAKE else self.http_address
            backend = socket.create_connection(address, timeout=30)
        except OSError:
            client.close()
            return
        client.settimeout(None)
        backend.settimeout(None)
        _pipe(client, backend)
