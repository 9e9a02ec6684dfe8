"""A TCP forwarder to take a service away and bring it back, for the tests of what the portal
does when its database goes: `stop()` closes the listening socket and drops every open
connection, as a failed database server or a cut network would; `start()` listens again on the
same port, so that the portal reconnects to the address it was given.

    with TcpProxy(("127.0.0.1", 5432)) as proxy:   # listens on a free loopback port
        ...  # DATABASE_URL=postgres://...@127.0.0.1:{proxy.port}/...
        proxy.stop()
        proxy.start()

One thread serves every connection (selectors); the data is small (SQL and its results).
"""

import contextlib
import selectors
import socket
import struct
import threading


class TcpProxy:
    def __init__(self, target, port=0, host="127.0.0.1"):
        self.target = target
        self.host = host
        self.port = port
        self.connections = 0  # accepted since the first start
        self._thread = None
        self._stopping = threading.Event()
        self._listener = None

    @property
    def running(self):
        return self._thread is not None

    def start(self):
        if self.running:
            return self
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(128)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]  # the system's choice the first time, then kept
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=f"tcp-proxy-{self.port}")
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self):
        """Stop listening and drop every open connection; returns once all are closed."""
        if not self.running:
            return
        self._stopping.set()
        self._thread.join(10)
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _serve(self):
        selector = selectors.DefaultSelector()
        selector.register(self._listener, selectors.EVENT_READ)
        peers = {}
        try:
            while not self._stopping.is_set():
                for key, _events in selector.select(timeout=0.05):
                    if key.fileobj is self._listener:
                        self._accept(selector, peers)
                    else:
                        self._forward(key.fileobj, selector, peers)
        finally:
            for conn in list(peers):
                _drop(conn)
            selector.close()
            self._listener.close()
            self._listener = None

    def _accept(self, selector, peers):
        try:
            client, _address = self._listener.accept()
        except BlockingIOError:
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            _drop(client)  # the service behind is away too: the client sees its connection end
            return
        self.connections += 1
        for conn, peer in ((client, upstream), (upstream, client)):
            conn.settimeout(10)
            peers[conn] = peer
            selector.register(conn, selectors.EVENT_READ)

    def _forward(self, conn, selector, peers):
        peer = peers.get(conn)
        if peer is None:
            return  # dropped with its peer earlier in this round
        try:
            data = conn.recv(65536)
            if data:
                peer.sendall(data)
                return
        except OSError:
            pass
        for each in (conn, peer):
            selector.unregister(each)
            peers.pop(each, None)
            _drop(each)


def _drop(conn):
    """Close at once, with a reset rather than an orderly goodbye, as a lost server would."""
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
