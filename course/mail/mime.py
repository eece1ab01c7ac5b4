"""Assembling an email (text + HTML) with the standard library's email package.

The scheduler builds one message per learner, thousands per tick, so the
assembly avoids what makes `email.policy.default` slow: its header registry
parses every header into an object when it is set (several hundred
microseconds an email). Here headers stay strings (the compat32 policy):

- a header whose value is ASCII and fits on one line is written as it is;
- List-Unsubscribe and List-Unsubscribe-Post are never folded (mail clients
  read them as one <URL>);
- a value folded or encoded already (`encode_header`) is written as it is;
- any other value goes through `email.header.Header` (a name: see `address`). Non-ASCII text (a
  subject, a name with accents) becomes RFC 2047 encoded words in base64,
  which is computed in C (the default "shortest" encoding tries
  quoted-printable character by character in Python first).

Bodies are UTF-8 in base64 (which every mail server accepts), and the
parts' boundary is chosen here: it contains "_", which base64 never does, so
it cannot occur in a body and the generator need not search the bodies for
it (with a new regular expression for every email).
"""
import base64
import os
from email.charset import BASE64, Charset
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.policy import Compat32
from email.policy import default as default_policy
from email.utils import formataddr

UTF8 = Charset("utf-8")
UTF8.header_encoding = BASE64

VERBATIM = frozenset({"list-unsubscribe", "list-unsubscribe-post"})


class MailPolicy(Compat32):
    """compat32, writing headers that need no folding or encoding as they are."""

    def _fold(self, name, value, sanitize):
        if isinstance(value, str) and value.isascii() and "\r" not in value:
            if name.lower() in VERBATIM and "\n" not in value:
                return f"{name}: {value}{self.linesep}"
            lines = value.split("\n")
            # One line that fits, or lines folded already (see encode_header).
            if len(name) + 2 + len(lines[0]) <= self.max_line_length and all(
                    line[:1] in (" ", "\t") and len(line) <= self.max_line_length for line in lines[1:]):
                return f"{name}: {self.linesep.join(lines)}{self.linesep}"
        return super()._fold(name, value, sanitize)


POLICY = MailPolicy()


def encode_header(name: str, value: str) -> str:
    """A header value ready to write: one line, folded at spaces when long,
    RFC 2047 encoded words when not ASCII. Worth it for a value that many
    emails share (a subject): encoding is the costly part of writing a header."""
    value = " ".join(value.split())  # never a line break of the value's own
    if value.isascii() and len(name) + 2 + len(value) <= POLICY.max_line_length:
        return value
    charset = "us-ascii" if value.isascii() else UTF8
    return Header(value, charset, header_name=name).encode(linesep="\n")


#: RFC 2047: an encoded word is at most 75 characters long.
MAX_ENCODED_WORD = 75


def address(name: str, email: str) -> str:
    """`Name <local@domain>` ready to write for the To header: an ASCII name
    quoted as it needs, any other as one RFC 2047 encoded word.

    One word, because readers differ on a name split into several: RFC 2047
    drops the space between two encoded words, Python's parser keeps it. A
    name too long for one word is written as `email.policy.default` writes it
    (slower: it parses the header; rare)."""
    name = " ".join((name or "").split())
    if name.isascii():
        return formataddr((name, email))
    word = f"=?utf-8?b?{base64.b64encode(name.encode('utf-8')).decode('ascii')}?="
    if len(word) <= MAX_ENCODED_WORD:
        one_line = len("To: ") + len(word) + len(email) + 3 <= POLICY.max_line_length
        separator = " " if one_line else "\n "
        return f"{word}{separator}<{email}>"
    try:
        header = default_policy.header_factory("To", str(Address(display_name=name, addr_spec=email)))
        return header.fold(policy=default_policy)[len("To: "):].rstrip("\n")
    except (HeaderParseError, ValueError, IndexError):  # an address it will not parse: encoded words
        header = Header(name, UTF8, header_name="To")
        header.append(f"<{email}>", "us-ascii")
        return header.encode(linesep="\n")


class Email(Message):
    """A message that knows its envelope (SMTP's MAIL FROM and RCPT TO), so
    that sending it need not parse its From and To headers back."""

    envelope_from: str | None = None
    recipients: tuple[str, ...] = ()


def build(*, subject: str, sender: str, to: str, text: str, html: str, headers: dict[str, str],
          envelope_from: str | None = None, recipients: tuple[str, ...] = ()) -> Email:
    """A multipart/alternative email: the text part, then the HTML part.
    `subject` comes from encode_header (the composer encodes it once for
    many emails)."""
    msg = Email(policy=POLICY)
    msg.envelope_from, msg.recipients = envelope_from, recipients
    msg["MIME-Version"] = "1.0"
    msg["Content-Type"] = f'multipart/alternative; boundary="=_aula_{os.urandom(8).hex()}"'
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = to
    for name, value in headers.items():
        msg[name] = value
    for body, subtype in ((text, "plain"), (html, "html")):
        part = Message(policy=POLICY)
        part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
        part["Content-Transfer-Encoding"] = "base64"
        part.set_payload(base64.encodebytes(body.encode("utf-8")).decode("ascii"))  # MIME's 76-character lines
        msg.attach(part)
    return msg
