"""An IMAP mailbox as small frozen records; the only importer of imapclient (network).

Every imapclient, socket and ssl error leaves this module as a MailboxError with one line a
user can act on; ServerGone marks the ones worth a reconnect.
"""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, LoginError

from triage.config import AccountConfig
from triage.errors import MailboxError

log = logging.getLogger(__name__)

_SEEN = b"\\Seen"
_DELETED = b"\\Deleted"
_BODY = b"BODY[]"
_IDLE_SLICE = 1.0  # seconds: how soon a wait notices a stop request


class ServerGone(MailboxError):
    """The server cannot be reached or dropped the connection: worth a retry later."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FolderState:
    """A selected folder: its incarnation (UIDVALIDITY) and how many messages it holds."""

    uidvalidity: int
    exists: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchedMessage:
    """One message as fetched: raw is None when it was larger than the fetch limit."""

    uid: int
    raw: bytes | None
    size: int
    internaldate: datetime  # aware UTC


class ImapSession:
    """One logged-in connection to one account; close() it (or use `with`)."""

    def __init__(self, client: IMAPClient, account: AccountConfig) -> None:
        self._client = client
        self._account = account
        self._folder: str | None = None
        client.normalise_times = False  # keep INTERNALDATE's zone so we can convert to UTC

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Log out; a connection that is already gone is simply dropped."""
        try:
            self._client.logout()
        except Exception:  # the server may be gone already: nothing left to tidy
            try:
                self._client.shutdown()
            except Exception as e:
                log.debug("closing %s: %s", self._account.name, e)

    def select(self, folder: str, *, readonly: bool) -> FolderState:
        """Select `folder` (read-only: EXAMINE, so nothing in the mailbox changes)."""
        with _mapped(self._account, folder):
            try:
                info = self._client.select_folder(folder, readonly=readonly)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error as e:
                if not self._client.folder_exists(folder):
                    raise MailboxError(f"folder {folder!r} does not exist") from e
                raise
        self._folder = folder
        return FolderState(uidvalidity=int(info[b"UIDVALIDITY"]), exists=int(info[b"EXISTS"]))

    def uids_above(self, after_uid: int) -> tuple[int, ...]:
        """UIDs of the selected folder above a checkpoint, ascending."""
        with _mapped(self._account, self._folder):
            found = self._client.search(["UID", f"{after_uid + 1}:*"])
        # "UID n:*" also matches the newest message when its UID is below n: filter again.
        return tuple(sorted(u for u in found if u > after_uid))

    def uids_up_to(self, last_uid: int, *, unseen_only: bool) -> tuple[int, ...]:
        """UIDs still in the folder at or below a checkpoint (handled, after_store pending)."""
        if last_uid < 1:
            return ()
        criteria: list[str] = ["UID", f"1:{last_uid}"]
        if unseen_only:
            criteria.append("UNSEEN")
        with _mapped(self._account, self._folder):
            found = self._client.search(criteria)
        return tuple(sorted(u for u in found if u <= last_uid))

    def fetch(self, uids: Sequence[int], *, max_bytes: int) -> list[FetchedMessage]:
        """Sizes and dates first, then bodies (BODY.PEEK: \\Seen untouched) of those that fit."""
        if not uids:
            return []
        with _mapped(self._account, self._folder):
            meta = self._client.fetch(list(uids), ["RFC822.SIZE", "INTERNALDATE"])
            small = [u for u in uids if u in meta and meta[u][b"RFC822.SIZE"] <= max_bytes]
            bodies = self._client.fetch(small, ["BODY.PEEK[]"]) if small else {}
        fetched = []
        for uid in uids:
            if uid not in meta:
                continue  # expunged since the search: nothing left to fetch
            size = int(meta[uid][b"RFC822.SIZE"])
            body = bodies.get(uid, {}).get(_BODY)
            if body is None and size <= max_bytes:
                continue  # expunged between the two fetches
            fetched.append(
                FetchedMessage(
                    uid=uid,
                    raw=None if body is None else bytes(body),
                    size=size,
                    internaldate=_utc(meta[uid][b"INTERNALDATE"]),
                )
            )
        return fetched

    def mark_seen(self, uids: Sequence[int]) -> None:
        if uids:
            with _mapped(self._account, self._folder):
                self._client.add_flags(list(uids), [_SEEN], silent=True)

    def move(self, uids: Sequence[int], destination: str) -> None:
        """MOVE when the server has it, else COPY, \\Deleted and UID EXPUNGE of just these."""
        if not uids:
            return
        with _mapped(self._account, destination):
            if self._client.has_capability("MOVE"):
                self._client.move(list(uids), destination)
                return
            self._client.copy(list(uids), destination)
            self._client.add_flags(list(uids), [_DELETED], silent=True)
            if self._client.has_capability("UIDPLUS"):
                self._client.uid_expunge(list(uids))
            else:  # a plain EXPUNGE would also remove what others marked \Deleted
                log.warning("%s: no UIDPLUS; moved messages left \\Deleted", self._account.name)

    def wait_for_mail(self, timeout: float, stop: threading.Event) -> None:
        """IDLE on the selected folder until new mail, `timeout` or `stop`; sleep without IDLE."""
        with _mapped(self._account, self._folder):
            if not self._client.has_capability("IDLE"):
                stop.wait(timeout)
                return
            self._client.idle()
            try:
                self._idle_until_exists(timeout, stop)
            finally:
                self._client.idle_done()

    def _idle_until_exists(self, timeout: float, stop: threading.Event) -> None:
        # Short slices: a SIGTERM handler only sets `stop`; poll() itself is retried (PEP 475).
        waited = 0.0
        while waited < timeout and not stop.is_set():
            chunk = min(_IDLE_SLICE, timeout - waited)
            responses = self._client.idle_check(timeout=chunk)
            if any(len(r) > 1 and r[1] == b"EXISTS" for r in responses):
                return
            waited += chunk


def connect(account: AccountConfig) -> ImapSession:
    """Open, secure and log in to `account`'s server (reads its password or token)."""
    secret, use_oauth2 = _credentials(account)
    with _mapped(account, None):
        client = _open(account)
    try:
        with _mapped(account, None):
            if account.security == "starttls":
                client.starttls(_tls_context(account))
            if use_oauth2:
                client.oauth2_login(account.username, secret)
            else:
                client.login(account.username, secret)
    except BaseException:
        _drop(client)
        raise
    return ImapSession(client, account)


def _credentials(account: AccountConfig) -> tuple[str, bool]:
    """The secret to log in with, and whether it is an OAuth2 token (XOAUTH2)."""
    if account.oauth2_token is not None:
        return account.oauth2_token.read(), True
    if account.password is not None:
        return account.password.read(), False
    raise MailboxError("no password or oauth2 token configured")


def _open(account: AccountConfig) -> IMAPClient:
    implicit_tls = account.security == "tls"
    return IMAPClient(
        account.host,
        port=account.port,
        ssl=implicit_tls,
        ssl_context=_tls_context(account) if implicit_tls else None,
        timeout=account.timeout,
    )


def _tls_context(account: AccountConfig) -> ssl.SSLContext:
    """Verification on, always; ca_file replaces the system's trust store when set."""
    cafile = str(account.ca_file) if account.ca_file is not None else None
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as e:
        raise MailboxError(f"cannot load ca_file {account.ca_file}: {e}") from e


def _drop(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except Exception as e:  # already closed by the failure that brought us here
        log.debug("shutdown after failed login: %s", e)


def _utc(value: object) -> datetime:
    if not isinstance(value, datetime):
        return datetime.now(UTC)  # a server that sends no INTERNALDATE: arrival is now
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@contextmanager
def _mapped(account: AccountConfig, folder: str | None) -> Iterator[None]:
    """Translate imapclient, socket and ssl errors into one line naming what failed."""
    where = f"{account.host}:{account.port}"
    try:
        yield
    except MailboxError:
        raise
    except socket.gaierror as e:
        raise MailboxError(f"cannot resolve host {account.host!r}: {e.strerror}") from e
    except ssl.SSLCertVerificationError as e:
        hint = "" if account.ca_file else " (set ca_file to trust a private CA)"
        raise MailboxError(
            f"TLS certificate verify failed for {where}: {e.verify_message}{hint}"
        ) from e
    except ssl.SSLError as e:
        raise MailboxError(f"TLS handshake with {where} failed: {e.reason or e}") from e
    except LoginError as e:
        raise MailboxError(f"login refused for {account.username!r} at {where}: {_text(e)}") from e
    except CapabilityError as e:
        raise MailboxError(f"{where}: server lacks a needed capability: {_text(e)}") from e
    except TimeoutError as e:
        raise ServerGone(f"{where} did not answer within {account.timeout:g} s") from e
    except ConnectionRefusedError as e:
        raise ServerGone(f"cannot reach {where}: connection refused") from e
    except imaplib.IMAP4.abort as e:
        raise ServerGone(f"connection to {where} lost: {_text(e)}") from e
    except OSError as e:
        raise ServerGone(f"connection to {where} failed: {e.strerror or e}") from e
    except imaplib.IMAP4.error as e:
        what = f" in folder {folder!r}" if folder else ""
        raise MailboxError(f"{where}: IMAP error{what}: {_text(e)}") from e


def _text(e: BaseException) -> str:
    """One line of server text, without imaplib's b'...' wrapping."""
    text = str(e).strip()
    if text.startswith(("b'", 'b"')) and text.endswith(text[1]):
        text = text[2:-1]
    return " ".join(text.split())[:200]
