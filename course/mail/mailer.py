"""Delivering email: through the SMTP server named by SMTP_URL, or, without
one, as an .eml file per email in the outbox folder.

A mailer is used for one batch: `with mailer_for(config) as mailer:` opens
one connection (lazily, on the first email) and reuses it for every email of
the batch. `send()` raises `TemporaryFailure` (the server is down, slow or
answered 4xx: try again later) or `PermanentFailure` (the server answered
5xx for this email: do not try again).

SMTP_URL forms:
    smtp://host[:port]                      plain (port 25)
    smtp://user:pass@host:587?starttls=1    STARTTLS, then login (port 587)
    smtps://user:pass@host[:port]           TLS from the start (port 465)
Query options: starttls=1, timeout=SECONDS (default 30), cafile=PATH (trust
this CA bundle, e.g. a private CA), helo=NAME. User and password are
percent-decoded (write @ as %40).
"""
import os
import smtplib
import socket
import ssl
import tempfile
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_TIMEOUT = 30.0
_TRUE = {"1", "true", "yes", "on"}


class MailError(Exception):
    """Sending failed; `reason` says why in words an administrator can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TemporaryFailure(MailError):
    """Try again later: connection refused or lost, timeout, 4xx.

    `connection` is true when the server itself could not be used (so the
    rest of a batch would fail the same way), false when only this email
    was deferred (e.g. 451 greylisting).
    """

    def __init__(self, reason: str, connection: bool = True):
        super().__init__(reason)
        self.connection = connection


class PermanentFailure(MailError):
    """The server refused this email for good (5xx)."""


class ConfigError(ValueError):
    """SMTP_URL cannot be understood."""


@dataclass(frozen=True)
class SMTPSettings:
    host: str
    port: int
    security: str = "plain"  # plain | starttls | tls
    username: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    cafile: str | None = None
    helo: str | None = None

    def __repr__(self) -> str:  # never show the password in logs
        login = f"{self.username}:***@" if self.username else ""
        return f"SMTPSettings({self.security}://{login}{self.host}:{self.port})"


def parse_smtp_url(url: str) -> SMTPSettings:
    """Read SMTP_URL; raise ConfigError with a clear message when it is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ConfigError(f"SMTP_URL must start with smtp:// or smtps://, not {parts.scheme or 'nothing'}://")
    if not parts.hostname:
        raise ConfigError("SMTP_URL has no host name")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"starttls", "timeout", "cafile", "helo"}
    if unknown:
        raise ConfigError(f"SMTP_URL has unknown options: {', '.join(sorted(unknown))}")
    starttls = query.get("starttls", "").lower() in _TRUE
    if parts.scheme == "smtps":
        if starttls:
            raise ConfigError("SMTP_URL: smtps:// is TLS from the start; starttls=1 is for smtp://")
        security, default_port = "tls", 465
    elif starttls:
        security, default_port = "starttls", 587
    else:
        security, default_port = "plain", 25
    try:
        port = parts.port or default_port
    except ValueError:
        raise ConfigError("SMTP_URL has an invalid port") from None
    try:
        timeout = float(query.get("timeout", DEFAULT_TIMEOUT))
    except ValueError:
        raise ConfigError("SMTP_URL: timeout must be a number of seconds") from None
    if timeout <= 0:
        raise ConfigError("SMTP_URL: timeout must be positive")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not username:
        raise ConfigError("SMTP_URL has a password but no user name")
    return SMTPSettings(parts.hostname, port, security, username, password, timeout,
                        query.get("cafile") or None, query.get("helo") or None)


def _code_reason(code: int, message) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def _classify(code: int, reason: str) -> MailError:
    if 500 <= code < 600:
        return PermanentFailure(reason)
    return TemporaryFailure(reason, connection=code == 421)  # 421: the server is closing


class SMTPMailer:
    """One SMTP connection for a batch of emails."""

    def __init__(self, settings: SMTPSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.cafile)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "tls":
                smtp = smtplib.SMTP_SSL(s.host, s.port, local_hostname=s.helo, timeout=s.timeout,
                                        context=self._tls_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, local_hostname=s.helo, timeout=s.timeout)
            try:
                smtp.ehlo()
                if s.security == "starttls":
                    smtp.starttls(context=self._tls_context())
                    smtp.ehlo()
                if s.username:
                    smtp.login(s.username, s.password or "")
            except BaseException:
                smtp.close()
                raise
        except smtplib.SMTPAuthenticationError as exc:
            # A wrong password is the server's configuration, not the email's:
            # keep the email and try again (an administrator can fix it).
            raise TemporaryFailure(f"login refused: {_code_reason(exc.smtp_code, exc.smtp_error)}") from exc
        except smtplib.SMTPResponseException as exc:
            raise TemporaryFailure(f"connecting: {_code_reason(exc.smtp_code, exc.smtp_error)}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, timeout, TLS
            raise TemporaryFailure(f"cannot reach {s.host}:{s.port}: {exc or type(exc).__name__}") from exc
        return smtp

    def send(self, message: Message) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            # The envelope, when the message knows it (mime.Email), else
            # smtplib reads it from the From and To headers.
            refused = self._smtp.send_message(message, getattr(message, "envelope_from", None),
                                              list(getattr(message, "recipients", ())) or None)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _classify(code, "recipient refused: " + _code_reason(code, text)) from exc
        except smtplib.SMTPServerDisconnected as exc:
            self._drop()
            raise TemporaryFailure(f"connection lost: {exc or 'server disconnected'}") from exc
        except smtplib.SMTPResponseException as exc:
            # A refused email leaves the connection usable (unless the server
            # is closing it, 421); reset it for the next one.
            if exc.smtp_code == 421:
                self._drop()
            else:
                self._reset()
            raise _classify(exc.smtp_code, _code_reason(exc.smtp_code, exc.smtp_error)) from exc
        except (smtplib.SMTPException, OSError) as exc:  # timeout, reset by peer
            self._drop()
            raise TemporaryFailure(f"sending: {exc or type(exc).__name__}") from exc
        if refused:  # only some recipients refused (we send to one, so this is rare)
            code, text = next(iter(refused.values()))
            raise _classify(code, "recipient refused: " + _code_reason(code, text))

    def _reset(self) -> None:
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError, socket.timeout):
            pass
        finally:
            self._drop()


class OutboxMailer:
    """Writes each email as an .eml file, for development and for servers without SMTP."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, message: Message) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the emails hold personal data
            stem = _file_stem(message)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(message.as_bytes())
            os.replace(tmp, self.folder / f"{stem}.eml")
        except OSError as exc:
            raise TemporaryFailure(f"cannot write to the outbox {self.folder}: {exc.strerror or exc}") from exc

    def close(self) -> None:
        """Nothing stays open: each email was written to its own file."""


def _file_stem(message: Message) -> str:
    """A safe, unique file name from the Message-ID."""
    raw = (message.get("Message-ID") or "").strip("<> ")
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in raw)[:150]
    return safe or os.urandom(8).hex()


def mailer_for(config) -> SMTPMailer | OutboxMailer:
    """The mailer the app is configured with: SMTP_URL, else the outbox folder."""
    url = config.get("SMTP_URL") or ""
    if url:
        return SMTPMailer(parse_smtp_url(url))
    return OutboxMailer(config["OUTBOX_DIR"])
