"""A minimal tracker embedding etiquette: its own SQLite table, and the engine asked only
about the applications whose decision may have changed.

It stores what happened (each application's events, in the wire format) and one derived value,
``revisit_at``, the instant the application's decision next changes by itself. Each run asks
the engine only about the rows whose ``revisit_at`` has come, prints what to do, and stores the
new ``revisit_at``.

    python examples/tracker.py DB add APP.json     # track an application
    python examples/tracker.py DB run [NOW]        # what is due now (or as of NOW)
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime

from etiquette import Application, next_action

SCHEMA = """
CREATE TABLE IF NOT EXISTS apps (
    id TEXT PRIMARY KEY,
    wire TEXT NOT NULL,          -- the application in the wire format (its events included)
    revisit_at TEXT              -- when its decision next changes by itself (UTC); NULL: never
);
CREATE INDEX IF NOT EXISTS apps_by_revisit ON apps(revisit_at);
"""


def utc(instant: datetime | None) -> str | None:
    return None if instant is None else instant.astimezone(UTC).isoformat()


def add(db: sqlite3.Connection, path: str, now: datetime) -> None:
    with open(path, encoding="utf-8") as f:
        app = Application.from_json(f.read())
    first = min((e.at for e in app.events), default=now)
    with db:  # one transaction
        db.execute(
            "INSERT OR REPLACE INTO apps VALUES (?, ?, ?)",
            # (revisit from its first event: the next run asks about it)
            (app.id, app.to_json(), utc(first)),
        )
    print(f"tracking {app.id}")


def run(db: sqlite3.Connection, now: datetime) -> None:
    due = db.execute(
        "SELECT id, wire FROM apps WHERE revisit_at IS NOT NULL AND revisit_at <= ? "
        "ORDER BY revisit_at",
        (utc(now),),
    ).fetchall()
    for app_id, wire in due:
        decision = next_action(Application.from_json(wire), now)
        to = f" to {', '.join(decision.to)}" if decision.to else ""
        print(f"{app_id}: {decision.action}{to} ({decision.rule})")
        with db:
            db.execute(
                "UPDATE apps SET revisit_at = ? WHERE id = ?", (utc(decision.revisit_at), app_id)
            )
    print(f"{len(due)} of {db.execute('SELECT COUNT(*) FROM apps').fetchone()[0]} asked")


def main(argv: list[str]) -> None:
    db = sqlite3.connect(argv[1])
    db.executescript(SCHEMA)
    now = datetime.now(UTC)
    if argv[2] == "add":
        add(db, argv[3], now)
    else:
        run(db, datetime.fromisoformat(argv[3]) if len(argv) > 3 else now)


if __name__ == "__main__":
    main(sys.argv)
