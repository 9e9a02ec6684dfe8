"""The loopback SMTP server the e-mail tests send to, spoken to with smtplib."""

import smtplib
import socket

import pytest

from devtools.smtp import SMTPServer


def test_down_it_refuses_connections_on_the_port_it_will_use():
    with SMTPServer() as server:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((server.host, server.port), timeout=2)

        server.start()
        socket.create_connection((server.host, server.port), timeout=2).close()


def test_it_keeps_each_message_with_its_envelope_and_unstuffs_leading_dots():
    with SMTPServer() as server:
        server.start()
        with smtplib.SMTP(server.host, server.port, timeout=5) as client:
            client.sendmail(
                "portal@example.org",
                ["ana@example.org", "ben@example.org"],
                b"Subject: Hello\r\nTo: ana@example.org\r\n\r\n.a line that starts with a dot\r\n"
                b"..\r\nlast line\r\n",
            )
            client.sendmail("portal@example.org", ["carla@example.org"], b"Subject: 2\r\n\r\n")

        first, second = server.wait_for_messages(2, timeout=5)

    assert first.mail_from == "portal@example.org"
    assert first.recipients == ["ana@example.org", "ben@example.org"]
    assert first.message["Subject"] == "Hello"
    assert first.message.get_content() == ".a line that starts with a dot\r\n..\r\nlast line\r\n"
    assert second.recipients == ["carla@example.org"]
    assert server.connections == 1


def test_it_answers_commands_out_of_order_and_unknown_ones_with_errors():
    with SMTPServer() as server:
        server.start()
        with smtplib.SMTP(server.host, server.port, timeout=5) as client:
            client.ehlo()
            assert client.rcpt("ana@example.org")[0] == 503
            assert client.docmd("DATA")[0] == 503
            assert client.docmd("VRFY", "ana")[0] == 502
            assert client.mail("portal@example.org")[0] == 250
            assert client.rset()[0] == 250
            assert client.noop()[0] == 250
        assert server.messages == []


def test_a_temporary_greeting_turns_the_client_away():
    with SMTPServer(greeting="421 4.3.2 Service not available") as server:
        server.start()
        with pytest.raises(smtplib.SMTPConnectError) as refused:
            smtplib.SMTP(server.host, server.port, timeout=5)

    assert refused.value.smtp_code == 421


def test_a_silent_server_makes_the_client_time_out():
    with SMTPServer(greeting=None) as server:
        server.start()
        with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
            smtplib.SMTP(server.host, server.port, timeout=0.5)


def test_refused_recipients_are_refused_for_good():
    with SMTPServer(refuse_recipients=True) as server:
        server.start()
        with (
            smtplib.SMTP(server.host, server.port, timeout=5) as client,
            pytest.raises(smtplib.SMTPRecipientsRefused) as refused,
        ):
            client.sendmail("portal@example.org", ["nobody@example.org"], b"Subject: x\r\n\r\n")

    assert refused.value.recipients["nobody@example.org"][0] == 550
    assert server.messages == []
