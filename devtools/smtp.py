"""A small SMTP server on 127.0.0.1 for tests: it accepts every message and keeps it.

It is created down: its port is reserved (bound) but not listening, so a client is refused
exactly as by a mail server that is not running, and the port is known before anything is sent.
`start()` brings it up on that same port, `stop()` takes it down for good. It speaks enough of
RFC 5321 for smtplib and Django's SMTP backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
without TLS or authentication.

`greeting` changes the first reply: "421 ..." turns every client away with a temporary error,
None says nothing at all (the client times out). `refuse_recipients` answers every RCPT with a
permanent refusal.
"""

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass

MAX_LINE = 1000 + 2  # RFC 5321: a text line is at most 1000 characters with its CRLF


@dataclass
class ReceivedMessage:
    mail_from: str
    recipients: list
    message: email.message.EmailMessage


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self):
        server = self.server.owner
        with server.lock:
            server.connections += 1
        if server.greeting is None:
            server.stopping.wait()
            return
        self.reply(server.greeting)
        if not server.greeting.startswith("220"):
            return
        mail_from, recipients = None, []
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return
            command, _, argument = line.decode("ascii", "replace").strip().partition(" ")
            command = command.upper()
            if command == "EHLO":
                self.reply("250-localhost")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif command == "HELO":
                self.reply("250 localhost")
            elif command == "MAIL":
                mail_from, recipients = address(argument), []
                self.reply("250 2.1.0 OK")
            elif command == "RCPT":
                if mail_from is None:
                    self.reply("503 5.5.1 MAIL first")
                elif server.refuse_recipients:
                    self.reply("550 5.1.1 No such mailbox")
                else:
                    recipients.append(address(argument))
                    self.reply("250 2.1.5 OK")
            elif command == "DATA":
                if not recipients:
                    self.reply("503 5.5.1 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self.read_data()
                if data is None:
                    return
                server.received(ReceivedMessage(mail_from, recipients, parse(data)))
                self.reply("250 2.0.0 Queued")
                mail_from, recipients = None, []
            elif command == "RSET":
                mail_from, recipients = None, []
                self.reply("250 2.0.0 OK")
            elif command == "NOOP":
                self.reply("250 2.0.0 OK")
            elif command == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not implemented")

    def read_data(self):
        """The message up to the line with a single dot, leading dots unstuffed; None if the
        client went away first."""
        lines = []
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b".") else line)


def address(argument):
    """The address in "FROM:<a@b> SIZE=..." or "TO:<a@b>"."""
    value = argument.partition(":")[2].strip()
    return value.partition(">")[0].lstrip("<")


def parse(data):
    return email.message_from_bytes(data, policy=email.policy.default)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False


class SMTPServer:
    def __init__(self, *, greeting="220 localhost ESMTP", refuse_recipients=False):
        self.greeting = greeting
        self.refuse_recipients = refuse_recipients
        self.messages = []
        self.connections = 0
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler, bind_and_activate=False)
        self._server.owner = self
        self._server.server_bind()  # the port is ours from now on; nothing listens yet
        self.host, self.port = self._server.server_address
        self._thread = None

    def start(self):
        self._server.server_activate()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def received(self, message):
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()

    def wait_for_messages(self, count, timeout):
        """The messages once at least `count` have arrived; the ones so far after `timeout`."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)

    def email_settings(self):
        """Django settings that send e-mail to this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }
