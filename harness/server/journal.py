"""The served DSP's state file (``dsp-conformance serve --state FILE``): an embedded SQLite
journal of everything that changed the DSP, replayed in order on start-up.

What is written, durably *before* the answer goes back:

- every provisioning command the test-control API accepted for processing (its JSON);
- every DUIS request the DSP answered in DUIS (its endpoint and exact bytes): those it
  acknowledged, transformed, completed or rejected alike, since a rejection can change
  state too (a RequestID counter is used once).

Requests arriving together share one transaction (group commit): the DSP applies each
request and queues its entry in order under its lock; the journal's writer thread writes
every entry queued so far in one transaction (one fsync), then the next batch, and says
after each how far the file is durable. An answer waits for that, outside the lock: a
thread with :meth:`Journal.wait`, the event loop with a listener (:meth:`Journal.listen`,
one wake-up per batch), so no thread is held while the disk writes. Entries reach the
file in the order the DSP applied them, and no answer leaves before its entry, and every
entry before it, is durable, so a restart replays a prefix of what the DSP did that holds
everything it acknowledged.

Messages refused before the DSP looked at them (HTTP 4xx: hostile, malformed, not valid
DUIS) change nothing and are not written. The reference DSP is deterministic given the same
inputs and clock, so replaying the journal rebuilds the same state. The clock the server
started with, the profile and the DSP's response-signing credential are kept in the file
too, so a restarted DSP answers with the same certificate.

The file therefore holds a **private key** (the served DSP's own test-PKI key, unencrypted
PKCS#8): it is created with mode 0600, kept at 0600, and never copied into results, reports
or logs. Do not commit it or attach it to a report.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from harness.domain.certificates import OrgCertificate
from harness.errors import ConfigurationError, HarnessError
from harness.pki import Credential

FORMAT = "dsp-conformance-state/1"
FILE_MODE = 0o600
_APPLICATION_ID = 0x44535043  # "DSPC"

log = logging.getLogger("dsp_conformance.server")

PROVISION = "provision"
REQUEST = "request"
ROWS_PER_STATEMENT = 100  # 300 parameters: within every SQLite's limit (999 before 3.32)


@functools.lru_cache(maxsize=ROWS_PER_STATEMENT)
def _insert(rows: int) -> str:
    """``INSERT INTO entries ... VALUES (?, ?, ?), ...`` for ``rows`` entries."""
    values = ", ".join(["(?, ?, ?)"] * rows)
    return f"INSERT INTO entries (kind, endpoint, body) VALUES {values}"


# Told after every batch, on the writer thread: the last durable ticket, and the failure
# that stopped the journal if one did. It must not block (e.g. hand over to an event loop).
Listener = Callable[[int, str | None], None]


class JournalFailure(HarnessError):
    """The state file could not be written: the DSP must not acknowledge anything more."""


@dataclass(frozen=True)
class Entry:
    seq: int
    kind: str  # PROVISION or REQUEST
    endpoint: str | None
    body: bytes


@dataclass(frozen=True)
class Identity:
    """What a restarted DSP must share with the one that wrote the file."""

    profile: str
    clock_start: datetime
    credential: Credential


class Journal:
    """One state file, owned by one process (an exclusive SQLite lock, held until close)."""

    def __init__(self, path: Path, *, mutant: str | None = None) -> None:
        self.path = path
        self.mutant = mutant  # a mutant DSP replays differently: part of the identity
        self._lock = threading.Lock()  # the database connection
        self._queue = threading.Condition(threading.Lock())  # entries waiting to be written
        self._pending: list[tuple[str, str | None, bytes]] = []
        self._queued = 0  # tickets given
        self._durable = 0  # tickets on disk
        self._failure: str | None = None
        self._closing = False
        self._writer: threading.Thread | None = None  # started with the first entry
        self._listeners: list[Listener] = []
        self.batches = 0  # transactions written (group commit: fewer than entries)
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            os.close(descriptor)
            os.chmod(path, FILE_MODE)  # an existing file is tightened, not trusted as found
        except OSError as exc:
            raise ConfigurationError(f"state file {path}: {exc.strerror}") from None
        try:
            self._db = sqlite3.connect(
                path, timeout=0.5, isolation_level=None, check_same_thread=False
            )
            self._setup()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise ConfigurationError(
                    f"state file {path} is in use by another dsp-conformance serve"
                ) from None
            raise ConfigurationError(f"state file {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise ConfigurationError(
                f"state file {path} is not a dsp-conformance state file ({exc})"
            ) from None

    def _setup(self) -> None:
        db = self._db
        # One writer: the lock is taken now and kept, so a second server on the same file
        # fails at start-up instead of interleaving its journal with ours.
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # a commit is on disk before the answer leaves
        application = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and application != _APPLICATION_ID:
            raise ConfigurationError(
                f"state file {self.path} is an SQLite file but not a dsp-conformance state file"
            )
        db.execute("BEGIN EXCLUSIVE")
        db.execute(f"PRAGMA application_id={_APPLICATION_ID}")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
            "kind TEXT NOT NULL, endpoint TEXT, body BLOB NOT NULL)"
        )
        db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT.encode(),))
        db.execute("COMMIT")
        found = self._meta("format")
        if found != FORMAT.encode():
            raise ConfigurationError(
                f"state file {self.path} has format {found!r}; this harness writes {FORMAT}"
            )

    # -- identity -----------------------------------------------------------------------
    def _meta(self, key: str) -> bytes | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def identity(self, fresh: Identity) -> Identity:
        """The identity stored in the file; on first use, ``fresh`` is stored and returned."""
        if self.mutant:
            fresh = Identity(
                f"{fresh.profile} with mutant {self.mutant}", fresh.clock_start, fresh.credential
            )
        with self._lock:
            profile = self._meta("profile")
            if profile is None:
                key = fresh.credential.private_key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
                rows = {
                    "profile": fresh.profile.encode(),
                    "clock_start": fresh.clock_start.isoformat().encode(),
                    "dsp_certificate": fresh.credential.certificate.der,
                    "dsp_key": key,
                }
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT INTO meta VALUES (?, ?)", rows.items())
                self._db.execute("COMMIT")
                return fresh
            return self._stored(profile.decode(), fresh.profile)

    def _stored(self, profile: str, wanted: str) -> Identity:
        if profile != wanted:
            raise ConfigurationError(
                f"state file {self.path} holds a DSP served under profile {profile!r}, not "
                f"{wanted!r}: serve it as it was served, or use another file"
            )
        try:
            certificate = OrgCertificate.from_der(self._meta("dsp_certificate") or b"")
            key = serialization.load_der_private_key(self._meta("dsp_key") or b"", None)
            start = datetime.fromisoformat((self._meta("clock_start") or b"").decode())
        except (ValueError, TypeError, HarnessError) as exc:
            raise ConfigurationError(f"state file {self.path} is damaged: {exc}") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ConfigurationError(f"state file {self.path} is damaged: not an EC key")
        return Identity(profile, start, Credential(certificate, key))

    # -- entries ------------------------------------------------------------------------
    def append(self, kind: str, endpoint: str | None, body: bytes) -> None:
        """Write one entry durably (it is on disk when this returns)."""
        self.wait(self.enqueue(kind, endpoint, body))

    def enqueue(self, kind: str, endpoint: str | None, body: bytes) -> int:
        """Queue an entry after every entry queued before; its ticket for :meth:`wait`."""
        with self._queue:
            if self._failure is not None:
                raise JournalFailure(self._failure)
            if self._closing:
                raise JournalFailure(f"the state file {self.path} is closed")
            self._pending.append((kind, endpoint, body))
            self._queued += 1
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_batches, name="state-journal", daemon=True
                )
                self._writer.start()
            self._queue.notify_all()
            return self._queued

    def wait(self, ticket: int) -> None:
        """Return once the entry ``ticket`` (and so every entry before it) is on disk;
        :class:`JournalFailure` if the journal stopped before it was."""
        with self._queue:
            while self._durable < ticket:
                if self._failure is not None:
                    raise JournalFailure(self._failure)
                self._queue.wait()

    def durable(self, ticket: int) -> bool:
        """Is entry ``ticket`` on disk already? (:class:`JournalFailure` if it never will be.)"""
        with self._queue:
            if self._durable >= ticket:
                return True
            if self._failure is not None:
                raise JournalFailure(self._failure)
            return False

    def listen(self, listener: Listener) -> None:
        """Call ``listener(durable_ticket, failure)`` on the writer thread after every batch."""
        with self._queue:
            self._listeners.append(listener)

    def _write_batches(self) -> None:
        """The writer thread: every entry queued so far in one transaction, until closed or
        a write fails (then nothing more is written or acknowledged)."""
        while True:
            with self._queue:
                while not self._pending and not self._closing:
                    self._queue.wait()
                if not self._pending:
                    return
                batch, self._pending = self._pending, []
            try:
                failure = self._write(batch)
            except Exception as exc:  # a dead writer would leave every answer waiting
                failure = f"cannot write the state file {self.path}: {exc!r}"
            with self._queue:
                if failure is None:
                    self._durable += len(batch)
                else:
                    self._failure = failure
                self._queue.notify_all()
                durable, listeners = self._durable, list(self._listeners)
            for listener in listeners:
                try:
                    listener(durable, failure)
                except Exception:  # e.g. an event loop already closed: its waiters are gone
                    log.exception("a state-journal listener failed")
            if failure is not None:
                return

    @property
    def enqueued(self) -> int:
        """The ticket of the last entry queued."""
        with self._queue:
            return self._queued

    def _write(self, batch: list[tuple[str, str | None, bytes]]) -> str | None:
        """One transaction for the whole batch: one fsync. The failure, if any.

        A batch of up to ``ROWS_PER_STATEMENT`` entries is one multi-row INSERT, which SQLite
        runs as its own transaction: one call into SQLite, so the writer gives up and takes
        back the GIL once, not once per BEGIN, row and COMMIT (each of which, under load,
        is a thread switch with the DUIS thread)."""
        with self._lock:
            try:
                if len(batch) <= ROWS_PER_STATEMENT:
                    self._db.execute(_insert(len(batch)), [v for entry in batch for v in entry])
                else:
                    self._db.execute("BEGIN IMMEDIATE")
                    for start in range(0, len(batch), ROWS_PER_STATEMENT):
                        rows = batch[start : start + ROWS_PER_STATEMENT]
                        self._db.execute(_insert(len(rows)), [v for entry in rows for v in entry])
                    self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                return f"cannot write the state file {self.path}: {exc}"
        self.batches += 1
        return None

    def entries(self) -> Iterator[Entry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, kind, endpoint, body FROM entries ORDER BY seq"
            ).fetchall()
        for seq, kind, endpoint, body in rows:
            yield Entry(int(seq), str(kind), None if endpoint is None else str(endpoint), body)

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM entries").fetchone()[0])

    def close(self) -> None:
        """Write what is still queued (nobody was answered for it yet), then close."""
        with self._queue:
            self._closing = True
            self._queue.notify_all()
            writer = self._writer
        if writer is not None:
            writer.join()
        with self._lock:
            self._db.close()


def read_entries(path: Path) -> list[Entry]:
    """Every entry of a state file no server holds (for tests and inspection)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    try:
        rows = db.execute("SELECT seq, kind, endpoint, body FROM entries ORDER BY seq").fetchall()
    finally:
        db.close()
    return [Entry(int(s), str(k), None if e is None else str(e), bytes(b)) for s, k, e, b in rows]


def file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
