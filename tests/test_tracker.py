"""The personal tracker on a real SQLite file: every command, bad databases, and reliability.

Commands run in-process through the ``cli`` fixture with ``--db`` in a temporary folder; the
reliability tests run real processes (``python -m etiquette``), killed or many at once.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from etiquette import next_action
from etiquette._store import SCHEMA_VERSION, Store

from .conftest import contract_data

NOW = "2026-11-24T09:00:00-05:00"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "tracker.sqlite3")


def one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


def start(cli: Any, db: str) -> None:
    status, _, err = cli(
        ["new", "globex-1", "--company", "Globex", "--role", "SRE", "--timezone",
         "America/New_York", "--country", "US", "--db", db]
    )  # fmt: skip
    assert (status, err) == (0, "")
    status, _, err = cli(
        ["log", "globex-1", "interview", "--at", "2026-11-23T10:00:00-05:00", "--ends-at",
         "2026-11-23T11:00:00-05:00", "--interviewers", "Fox Mulder,Dana Scully", "--date",
         "2026-12-04", "--db", db]
    )  # fmt: skip
    assert (status, err) == (0, "")


# --- the workflow -----------------------------------------------------------------------------


def test_new_log_due_show(cli: Any, db: str) -> None:
    start(cli, db)
    status, out, err = cli(
        ["log", "globex-1", "thank_you_sent", "--at", "2026-11-23T15:00:00-05:00",
         "--to", "Fox Mulder", "--db", db]
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert "thank-you sent to Fox Mulder" in out
    status, out, err = cli(["due", "--now", NOW, "--db", db])
    assert (status, err) == (0, "")
    assert "globex-1" in out
    assert "send_thank_you → Dana Scully" in out
    assert "Tue 2026-11-24 11:00 EST" in out  # due by
    status, out, _ = cli(["due", "--now", NOW, "--json", "--db", db])
    decisions = json.loads(out)
    assert [d["application"] for d in decisions] == ["globex-1"]
    assert decisions[0]["to"] == ["Dana Scully"]
    status, out, _ = cli(["show", "globex-1", "--now", NOW, "--db", db])
    assert status == 0
    assert "interview with Fox Mulder, Dana Scully" in out
    assert "Tue 2026-12-08 09:00 EST  send_status_inquiry opens" in out
    status, out, _ = cli(["show", "globex-1", "--now", NOW, "--json", "--db", db])
    shown = json.loads(out)
    assert set(shown) == {"application", "decision", "plan"}
    assert shown["plan"]["state"] == "interviewed"


def test_due_marks_what_is_overdue_and_sorts_soonest_first(cli: Any, db: str) -> None:
    start(cli, db)
    late = {**contract_data(), "id": "acme-late"}
    path = Path(db).parent / "late.json"
    path.write_text(json.dumps(late), encoding="utf-8")
    assert cli(["add", str(path), "--db", db])[0] == 0
    status, out, _ = cli(["due", "--now", "2026-11-25T09:00:00-05:00", "--db", db])
    assert status == 0
    lines = out.splitlines()
    assert lines[1].startswith("!")  # late: the thank-you was due yesterday
    assert "overdue" in lines[-2]
    status, out, _ = cli(
        ["due", "--now", "2026-11-25T09:00:00-05:00", "--within", "0h", "--db", db]
    )
    assert "acme-late" in out


def test_a_contact_that_breaks_a_rule_is_refused_unless_forced(cli: Any, db: str) -> None:
    start(cli, db)
    early = ["log", "globex-1", "status_inquiry_sent", "--at", NOW, "--db", db]
    status, out, err = cli(early)
    assert (status, err) == (1, "")
    assert "inquiry-after-timeline" in out
    assert "allowed from Tue 2026-12-08 09:00 EST" in out
    stored = Store(db).get("globex-1")
    assert len(stored.events) == 1  # nothing recorded
    status, out, err = cli([*early, "--force"])
    assert (status, err) == (0, "")
    stored = Store(db).get("globex-1")
    assert "inquiry-after-timeline" in stored.events[-1].violations
    assert "recorded despite" in out


def test_facts_are_always_logged_an_offer_after_a_ghosting(cli: Any, db: str) -> None:
    start(cli, db)
    for who, at in (("Fox Mulder", "15:00"), ("Dana Scully", "15:05")):
        thanks = ["log", "globex-1", "thank_you_sent", "--to", who, "--db", db]
        assert cli([*thanks, "--at", f"2026-11-23T{at}:00-05:00"])[0] == 0
    for at in ("2026-12-08T09:00:00-05:00", "2026-12-15T09:00:00-05:00"):
        assert cli(["log", "globex-1", "status_inquiry_sent", "--at", at, "--db", db])[0] == 0
    status, out, _ = cli(["due", "--now", "2027-01-04T10:00:00-05:00", "--db", db])
    assert out == "nothing due\n"  # closed as no_response
    status, out, err = cli(
        ["log", "globex-1", "offer_received", "--at", "2027-01-05T09:30:00-05:00",
         "--respond-by", "2027-01-08", "--db", db]
    )  # fmt: skip
    assert (status, err) == (0, "")
    status, out, _ = cli(["due", "--now", "2027-01-05T10:00:00-05:00", "--json", "--db", db])
    assert json.loads(out)[0]["action"] == "respond_to_offer"


def test_undo_shows_then_removes_the_last_event(cli: Any, db: str) -> None:
    start(cli, db)
    status, out, _ = cli(["undo", "globex-1", "--db", db])
    assert status == 1
    assert "would remove" in out
    assert len(Store(db).get("globex-1").events) == 1
    status, out, _ = cli(["undo", "globex-1", "--yes", "--db", db])
    assert status == 0
    assert "removed" in out
    assert Store(db).get("globex-1").events == ()
    assert cli(["undo", "globex-1", "--yes", "--db", db])[0] == 1  # nothing left


def test_add_refuses_an_id_already_tracked_unless_replace(
    cli: Any, db: str, tmp_path: Path
) -> None:
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(contract_data()), encoding="utf-8")
    assert cli(["add", str(path), "--db", db])[0] == 0
    status, _, err = cli(["add", str(path), "--db", db])
    assert status == 2
    assert "already tracked" in one_error_line(err)
    assert cli(["add", str(path), "--replace", "--db", db])[0] == 0
    assert Store(db).ids() == ["acme-backend-1"]


def test_add_refuses_a_history_that_cannot_happen(cli: Any, db: str, tmp_path: Path) -> None:
    data = contract_data(events=[{"type": "rejection_reply_sent", "at": NOW}])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    status, _, err = cli(["add", str(path), "--db", db])
    assert status == 2
    assert "rejection" in one_error_line(err)
    assert Store(db).ids() == []  # nothing stored


def test_the_database_path_comes_from_etiquette_db(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("ETIQUETTE_DB", str(target))
    assert cli(["new", "x-1", "--company", "X"])[0] == 0
    assert Store(target).ids() == ["x-1"]


def test_events_live_in_rows_and_revisit_at_is_indexed(cli: Any, db: str) -> None:
    start(cli, db)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    row = con.execute("SELECT type, at, interviewers FROM events").fetchone()
    assert row == ("interview", "2026-11-23T10:00:00-05:00", '["Fox Mulder", "Dana Scully"]')
    indexes = {r[1] for r in con.execute("PRAGMA index_list(applications)")}
    assert "applications_by_revisit" in indexes
    assert con.execute("SELECT revisit_at FROM applications").fetchone()[0] is not None


# --- export and import -------------------------------------------------------------------------


def test_a_json_export_imported_into_an_empty_database_exports_the_same(
    cli: Any, db: str, tmp_path: Path
) -> None:
    start(cli, db)
    cli(["log", "globex-1", "thank_you_sent", "--at", "2026-11-23T15:00:00-05:00", "--to",
         "Dana Scully", "--channel", "handwritten", "--db", db])  # fmt: skip
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(contract_data()), encoding="utf-8")
    cli(["add", str(path), "--db", db])
    status, exported, _ = cli(["export", "--db", db])
    assert status == 0
    dump = tmp_path / "export.json"
    dump.write_text(exported, encoding="utf-8")
    other = str(tmp_path / "other.sqlite3")
    assert cli(["import", str(dump), "--db", other])[0] == 0
    assert cli(["export", "--db", other])[1] == exported
    assert [a["id"] for a in json.loads(exported)] == ["globex-1", "acme-backend-1"]


def test_a_csv_export_neutralises_formulas_and_imports_back(
    cli: Any, db: str, tmp_path: Path
) -> None:
    cli(["new", "evil-1", "--company", '=HYPERLINK("x")', "--role", "+1", "--db", db])
    status, out, _ = cli(["export", "--format", "csv", "--now", NOW, "--db", db])
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["id", "company", "role"]
    assert rows[1][1] == '\'=HYPERLINK("x")'
    assert rows[1][2] == "'+1"
    dump = tmp_path / "export.csv"
    dump.write_text(out, encoding="utf-8")
    other = str(tmp_path / "other.sqlite3")
    assert cli(["import", str(dump), "--db", other])[0] == 0
    assert Store(other).get("evil-1").company == '=HYPERLINK("x")'


# --- bad databases ----------------------------------------------------------------------------


def test_a_file_that_is_not_a_database_gets_one_line(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("shopping list\n" * 200, encoding="utf-8")
    status, _, err = cli(["due", "--db", str(bad)])
    assert status == 2
    assert "not a SQLite database" in one_error_line(err)


def test_a_foreign_sqlite_database_is_refused(cli: Any, tmp_path: Path) -> None:
    foreign = tmp_path / "other.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE songs (title TEXT)")
    con.commit()
    con.close()
    status, _, err = cli(["due", "--db", str(foreign)])
    assert status == 2
    assert "not an etiquette tracker" in one_error_line(err)


def test_a_newer_schema_is_refused_with_a_clear_message(cli: Any, db: str) -> None:
    Store(db).close()
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    status, _, err = cli(["due", "--db", db])
    assert status == 2
    assert "newer etiquette" in one_error_line(err)


def test_an_older_schema_is_migrated_with_its_data(db: str) -> None:
    from etiquette._store import _MIGRATIONS

    con = sqlite3.connect(db)
    con.executescript(_MIGRATIONS[0])
    con.execute(
        "INSERT INTO applications VALUES ('old-1', 'Initech', NULL, 'UTC', NULL, '2026-01-01')"
    )
    con.execute(
        "INSERT INTO events (application, seq, type, at, logged_at) "
        "VALUES ('old-1', 1, 'interview', '2026-11-02T10:00:00Z', '2026-11-02')"
    )
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    store = Store(db)
    assert store.get("old-1").events[0].type == "interview"
    version = store.db.execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION
    # the derived columns the new version added are computed for the rows already there
    state, revisit = store.db.execute("SELECT state, revisit_at FROM applications").fetchone()
    decision = next_action(store.get("old-1"), datetime.now(UTC))
    assert state == decision.state
    assert revisit == (None if decision.revisit_at is None else decision.revisit_at.isoformat())


def test_a_read_only_database_reads_and_refuses_a_write_with_one_line(cli: Any, db: str) -> None:
    start(cli, db)
    os.chmod(db, 0o444)
    status, out, _ = cli(["due", "--now", NOW, "--db", db])
    assert status == 0
    assert "globex-1" in out
    status, _, err = cli(["new", "x-1", "--company", "X", "--db", db])
    assert status == 2
    assert "read-only" in one_error_line(err)


# --- reliability ------------------------------------------------------------------------------

_WRITER = """
import sys
from datetime import datetime, timedelta, timezone
from etiquette import record
from etiquette._store import Store
store = Store(sys.argv[1])
start = datetime(2026, 11, 24, 9, tzinfo=timezone.utc)
for i in range(100000):
    at = start + timedelta(minutes=i)
    store.log("globex-1", lambda a: record(a, {"type": "reply_received", "at": at.isoformat()}), at)
    print(i, flush=True)
"""


def test_a_killed_writer_loses_nothing_committed(cli: Any, db: str) -> None:
    start(cli, db)
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, db], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    committed = -1
    deadline = time.monotonic() + 60
    while committed < 30 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        committed = int(line)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert committed >= 30
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    replies = con.execute("SELECT COUNT(*) FROM events WHERE type = 'reply_received'").fetchone()[0]
    assert replies >= committed + 1  # every commit it reported (and maybe one more) is there
    Store(db).get("globex-1")  # and readable


def test_eighty_concurrent_logs_lose_no_event(cli: Any, db: str) -> None:
    start(cli, db)
    env = {**os.environ, "ETIQUETTE_DB": db}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "etiquette", "log", "globex-1", "reply_received", "--at",
             f"2026-11-2{4 + i // 60}T{(i % 60) // 6 + 9:02d}:{i % 6 * 10:02d}:00-05:00"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        for i in range(80)
    ]  # fmt: skip
    errors = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 80, errors
    stored = Store(db).get("globex-1")
    assert sum(e.type == "reply_received" for e in stored.events) == 80
