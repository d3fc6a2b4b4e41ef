"""Mail through the office's SMTP server: smtps:// (SSL, port 465) or smtp:// with STARTTLS.

The URL names the account (``smtps://alerts@office.cn@smtp.exmail.qq.com:465``; QQ, 163 and
Aliyun enterprise mail all work this way) and the channel's secret is its password (an
authorisation code, for QQ and 163). smtp:// must turn to TLS before the password is given;
only a server on this PC may be spoken to in plain text. What the server answered to the
message itself is the answer's ``said``.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote

from ..core.message import msg
from . import Answer, Outgoing
from .urls import check_mail, is_this_pc, parts
from .webhook import one_line, unreachable


def check_url(url: str) -> None:
    check_mail(url)


def _sender(split) -> str:
    user = unquote(split.username or "")
    return user if "@" in user else (f"{user}@{split.hostname}" if user else f"svcctl@{split.hostname}")


def letter(message: Outgoing, sender: str, to: tuple[str, ...], now: float | None = None) -> EmailMessage:
    letter = EmailMessage()
    letter["Subject"] = one_line(message.title)  # a header holds no line break
    letter["From"] = sender
    letter["To"] = ", ".join(to)
    letter["Date"] = formatdate(time.time() if now is None else now, localtime=True)
    letter["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    letter.set_content(message.markdown)
    return letter


def size(message: Outgoing) -> int:
    return len(message.markdown.encode("utf-8"))


def _said(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return one_line(f"{code} {text}")


def _refused(code: int, text) -> Answer:
    # 4xx: the server asks to be tried again later; 5xx: this message, account or address will
    # not do, whatever the hour.
    return Answer(False, 60.0 if code in (421, 450, 451, 452) else None, code >= 500, _said(code, text))


def _connect(split, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    host, port = split.hostname, split.port
    if split.scheme == "smtps":
        return smtplib.SMTP_SSL(host, port or 465, timeout=timeout, context=context)
    server = smtplib.SMTP(host, port, timeout=timeout)
    server.ehlo()
    if server.has_extn("starttls"):
        server.starttls(context=context)
        server.ehlo()
    elif not is_this_pc(host):
        server.close()
        raise smtplib.SMTPNotSupportedError(msg("{host} does not offer STARTTLS: the password would cross the "
                                                "network readable", host=host))
    return server


def send(url: str, secret: str | None, to: tuple[str, ...], message: Outgoing,
         now: float | None = None, timeout: float = 10.0) -> Answer:
    split = parts(url)
    to = tuple(address for address in to if address.strip())
    if not to:
        return Answer(False, None, True, msg("no address to send to"))
    sender = _sender(split)
    try:
        data = letter(message, sender, to, now).as_bytes()
    except ValueError as exc:  # an address with a line break in it
        return Answer(False, None, True, msg("not a letter that can be sent: {reason}", reason=one_line(str(exc))))
    try:
        server = _connect(split, timeout)
    except smtplib.SMTPNotSupportedError as exc:
        return Answer(False, None, True, exc.args[0])
    except smtplib.SMTPConnectError as exc:
        return _refused(exc.smtp_code, exc.smtp_error)
    except (smtplib.SMTPException, OSError, socket.timeout) as exc:
        return unreachable(exc)
    try:
        if split.username and secret:
            server.login(unquote(split.username), secret)
        code, text = server.mail(sender)
        if code != 250:
            return _refused(code, text)
        for address in to:
            code, text = server.rcpt(address)
            if code not in (250, 251):
                return _refused(code, text)
        code, text = server.data(data)
        if code != 250:
            return _refused(code, text)
        return Answer(True, None, False, _said(code, text))
    except smtplib.SMTPResponseException as exc:
        return _refused(exc.smtp_code, exc.smtp_error)
    except (smtplib.SMTPException, OSError) as exc:
        return unreachable(exc)
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()
