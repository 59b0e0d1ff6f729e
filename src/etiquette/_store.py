"""The personal tracker's store: applications and their events in a SQLite file.

Theory of operation
-------------------

The store keeps what happened, nothing it could compute: one row per application, one row per
event (its fields in columns), in the order they were logged. Every decision is asked of the
engine when it is wanted, from the rows read back; the engine stays pure. ``revisit_at`` is the
one derived value kept, as of the last write, so that an embedding tracker can ask only the
applications whose decision may have changed since (it is indexed).

Every write is one transaction, begun ``IMMEDIATE`` (the write lock is taken before anything is
read, so two processes logging to one application never lose an event); the journal is WAL and
``busy_timeout`` makes a second writer wait instead of failing. The schema version is SQLite's
``PRAGMA user_version``: an older file is migrated in one transaction when opened, a newer one
is refused. A file that is not a SQLite database, or a SQLite database of something else, is
refused with one line, never a traceback.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._engine import Application, EtiquetteError, InvalidApplication, Policy, next_action

__all__ = ["SCHEMA_VERSION", "Store", "StoreError", "default_path"]

#: The schema, one step per version: the list's n-th entry takes a file from version n to n+1.
_MIGRATIONS: tuple[str, ...] = (
    # 1: applications and their events
    """
    CREATE TABLE applications (
        id TEXT PRIMARY KEY,
        company TEXT,
        role TEXT,
        timezone TEXT NOT NULL,
        country TEXT,
        added_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE events (
        application TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        ends_at TEXT,
        to_name TEXT,
        channel TEXT,
        interviewers TEXT,
        decision_expected_by TEXT,
        respond_by TEXT,
        notes TEXT,
        violations TEXT,
        logged_at TEXT NOT NULL,
        PRIMARY KEY (application, seq)
    ) STRICT;
    """,
    # 2: revisit_at as of the last write, indexed, for trackers that ask only what is due
    """
    ALTER TABLE applications ADD COLUMN revisit_at TEXT;
    ALTER TABLE applications ADD COLUMN state TEXT;
    CREATE INDEX applications_by_revisit ON applications(revisit_at);
    """,
    # 3: the candidate's name, to sign drafts with
    """
    ALTER TABLE applications ADD COLUMN candidate TEXT;
    """,
)

#: The version this code writes.
SCHEMA_VERSION = len(_MIGRATIONS)

#: The columns of an event row besides application, seq and logged_at, and their wire keys.
_EVENT_COLUMNS = (
    ("type", "type"),
    ("at", "at"),
    ("ends_at", "ends_at"),
    ("to_name", "to"),
    ("channel", "channel"),
    ("interviewers", "interviewers"),
    ("decision_expected_by", "decision_expected_by"),
    ("respond_by", "respond_by"),
    ("notes", "notes"),
    ("violations", "violations"),
)
_LISTS = frozenset({"interviewers", "notes", "violations"})


class StoreError(EtiquetteError):
    """The database cannot be used: ``path`` is the file, ``why`` what is wrong with it."""

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"{path}: {why}")


def default_path() -> Path:
    """Where the tracker keeps its database: ``ETIQUETTE_DB``, else the user's data directory."""
    override = os.environ.get("ETIQUETTE_DB")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("etiquette", appauthor=False)) / "tracker.sqlite3"


def _utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


class Store:
    """The tracker's database. Open one with ``Store(path)``; close it with :meth:`close`."""

    def __init__(self, path: str | Path, policy: Policy | None = None) -> None:
        self.path = str(path)
        self.policy = policy
        folder = Path(self.path).parent
        if not Path(self.path).exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(self.path, f"cannot create its folder: {exc.strerror}") from None
        # a file marked read-only (no write permission for anyone) is opened read-only, whoever
        # opens it: reading works, a write is refused with one line
        target = Path(self.path)
        read_only = target.is_file() and not target.stat().st_mode & 0o222
        try:
            self.db = sqlite3.connect(
                f"{target.absolute().as_uri()}?mode=ro" if read_only else self.path,
                timeout=30,
                isolation_level=None,
                uri=read_only,
            )
        except sqlite3.Error as exc:
            raise StoreError(self.path, f"cannot open the database: {exc}") from None
        try:
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(self.path, _why(exc)) from None
        except StoreError:
            self.db.close()
            raise

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    # --- the schema ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                self.path,
                f"written by a newer etiquette (schema version {version}; this one reads up to "
                f"{SCHEMA_VERSION}): upgrade etiquette to use it",
            )
        if version == SCHEMA_VERSION:
            return
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
        if version == 0 and tables:
            raise StoreError(self.path, "a SQLite database, but not an etiquette tracker's")
        with self._writing():
            # (read again under the write lock: another process may have migrated meanwhile)
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for step in range(version, SCHEMA_VERSION):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        if version < 2:
            self.refresh(datetime.now(UTC))
        self.db.execute("PRAGMA journal_mode = WAL")

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, the write lock taken first; rolled back on any error."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(self.path, _why(exc)) from None
        try:
            yield self.db
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._rollback()
            raise StoreError(self.path, _why(exc)) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    # --- reading ------------------------------------------------------------------------------

    def ids(self) -> list[str]:
        """Every application's id, in the order they were added."""
        return [r[0] for r in self.db.execute("SELECT id FROM applications ORDER BY rowid")]

    def has(self, app_id: str) -> bool:
        """Whether an application with this id is stored."""
        row = self.db.execute("SELECT 1 FROM applications WHERE id = ?", (app_id,)).fetchone()
        return row is not None

    def get(self, app_id: str) -> Application:
        """The application with this id, its events in the order they were logged."""
        row = self.db.execute(
            "SELECT id, company, role, timezone, country, candidate FROM applications WHERE id = ?",
            (app_id,),
        ).fetchone()
        if row is None:
            raise InvalidApplication("id", f"no application {json.dumps(app_id)} in {self.path}")
        return Application.from_dict(self._wire(row))

    def all(self) -> list[Application]:
        """Every application, in the order they were added."""
        rows = self.db.execute(
            "SELECT id, company, role, timezone, country, candidate FROM applications "
            "ORDER BY rowid"
        ).fetchall()
        return [Application.from_dict(self._wire(row)) for row in rows]

    def due_before(self, instant: datetime) -> list[str]:
        """The ids whose decision may have changed by ``instant`` (``revisit_at`` at or before
        it, as of each one's last write), soonest first."""
        rows = self.db.execute(
            "SELECT id FROM applications WHERE revisit_at IS NOT NULL AND revisit_at <= ? "
            "ORDER BY revisit_at",
            (_utc_text(instant),),
        )
        return [r[0] for r in rows]

    def last_event(self, app_id: str) -> dict[str, Any] | None:
        """The last event logged for an application, in the wire format (None: none)."""
        self.get(app_id)  # (an unknown id is an error)
        row = self.db.execute(
            f"SELECT {', '.join(c for c, _ in _EVENT_COLUMNS)} FROM events "
            "WHERE application = ? ORDER BY seq DESC LIMIT 1",
            (app_id,),
        ).fetchone()
        return None if row is None else _event_wire(row)

    def _wire(self, row: Sequence[Any]) -> dict[str, Any]:
        app_id, company, role, timezone, country, candidate = row
        events = self.db.execute(
            f"SELECT {', '.join(c for c, _ in _EVENT_COLUMNS)} FROM events "
            "WHERE application = ? ORDER BY seq",
            (app_id,),
        ).fetchall()
        data: dict[str, Any] = {"id": app_id}
        if company is not None:
            data["company"] = company
        if role is not None:
            data["role"] = role
        data["timezone"] = timezone
        if country is not None:
            data["country"] = country
        if candidate is not None:
            data["candidate"] = candidate
        data["events"] = [_event_wire(e) for e in events]
        return data

    # --- writing ------------------------------------------------------------------------------

    def put(self, app: Application, now: datetime, *, replace: bool = False) -> None:
        """Store an application with all its events (one transaction); an id already stored is
        refused unless ``replace``."""
        with self._writing() as db:
            if self.has(app.id):
                if not replace:
                    raise InvalidApplication(
                        "id", f"{json.dumps(app.id)} is already tracked (--replace to replace it)"
                    )
                db.execute("DELETE FROM applications WHERE id = ?", (app.id,))
            db.execute(
                "INSERT INTO applications "
                "(id, company, role, timezone, country, candidate, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    app.id,
                    app.company,
                    app.role,
                    app.timezone,
                    app.country,
                    app.candidate,
                    _utc_text(now),
                ),
            )
            for seq, event in enumerate(app.to_dict()["events"], start=1):
                self._insert_event(app.id, seq, event, now)
            self._revisit(app, now)

    def log(self, app_id: str, decide: Any, now: datetime) -> Application:
        """Add one event to an application, in one transaction: ``decide(app)`` is given the
        application as stored (read under the write lock) and returns it with the new event
        (as :func:`etiquette.record` does), or raises to leave everything as it was."""
        with self._writing():
            app = self.get(app_id)
            grown: Application = decide(app)
            new = grown.to_dict()["events"][len(app.events) :]
            seq = self.db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE application = ?", (app_id,)
            ).fetchone()[0]
            for event in new:
                seq += 1
                self._insert_event(app_id, seq, event, now)
            self._revisit(grown, now)
            return grown

    def undo(self, app_id: str, now: datetime) -> dict[str, Any] | None:
        """Remove the last event logged for an application; return it (None: there was none)."""
        with self._writing() as db:
            last = self.last_event(app_id)
            if last is None:
                return None
            db.execute(
                "DELETE FROM events WHERE application = ? AND seq = "
                "(SELECT MAX(seq) FROM events WHERE application = ?)",
                (app_id, app_id),
            )
            self._revisit(self.get(app_id), now)
            return last

    def refresh(self, now: datetime) -> None:
        """Compute ``revisit_at`` and the state again for every application, as of ``now``."""
        with self._writing():
            for app in self.all():
                self._revisit(app, now)

    def _insert_event(self, app_id: str, seq: int, event: dict[str, Any], now: datetime) -> None:
        values = []
        for _, key in _EVENT_COLUMNS:
            value = event.get(key)
            if key in _LISTS:
                value = json.dumps(value, ensure_ascii=False) if value else None
            values.append(value)
        self.db.execute(
            f"INSERT INTO events (application, seq, {', '.join(c for c, _ in _EVENT_COLUMNS)}, "
            f"logged_at) VALUES (?, ?, {', '.join('?' for _ in _EVENT_COLUMNS)}, ?)",
            (app_id, seq, *values, _utc_text(now)),
        )

    def _revisit(self, app: Application, now: datetime) -> None:
        last = max((e.at for e in app.events), default=None)
        when = now if last is None or last < now else last
        decision = next_action(app, when, self.policy)
        revisit = None if decision.revisit_at is None else _utc_text(decision.revisit_at)
        self.db.execute(
            "UPDATE applications SET revisit_at = ?, state = ? WHERE id = ?",
            (revisit, decision.state, app.id),
        )


def _event_wire(row: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for (_, key), value in zip(_EVENT_COLUMNS, row, strict=True):
        if value is None:
            continue
        out[key] = json.loads(value) if key in _LISTS else value
    return out


def _why(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "file is not a database" in text or "malformed" in text:
        return "not a SQLite database (or a damaged one): " + text
    if "readonly" in text:
        return "the database is read-only: " + text
    if "unable to open" in text:
        return "cannot open the database: " + text
    return text
