"""The calendar export, read back by the ``icalendar`` parser.

One VTODO per window of the plan, a completed one per contact made, stable UIDs, SEQUENCE
rising when a window's planned times change, VEVENTs with ``--events``; and the same text for
the same history and instant, whatever the history (a property test).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from etiquette import Application, plan, record, to_ics

from . import strategies as s
from .conftest import contract_application

NOW = datetime.fromisoformat("2026-11-24T09:00:00-05:00")


def todos(text: str) -> dict[str, Any]:
    """The VTODOs of a calendar, by UID (fails if a UID appears twice)."""
    cal = icalendar.Calendar.from_ical(text)
    found: dict[str, Any] = {}
    for item in cal.walk("VTODO"):
        uid = str(item["UID"])
        assert uid not in found, uid
        found[uid] = item
    return found


def test_one_todo_per_window_of_the_plan(contract: Application) -> None:
    text = to_ics([contract], NOW)
    items = todos(text)
    windows = plan(contract, NOW).windows
    open_items = {u: i for u, i in items.items() if str(i["STATUS"]) == "NEEDS-ACTION"}
    assert len(open_items) == len(windows)
    thank = next(i for i in open_items.values() if "Thank Bo Chen" in str(i["SUMMARY"]))
    assert str(thank["SUMMARY"]) == "Thank Bo Chen for the interview — Acme"
    assert thank.decoded("DTSTART") == datetime(2026, 11, 23, 16, tzinfo=UTC)
    assert thank.decoded("DUE") == datetime(2026, 11, 24, 16, tzinfo=UTC)
    assert "thank-you-24h" in str(thank["DESCRIPTION"])
    alarm = thank.walk("VALARM")[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == datetime(2026, 11, 24, 14, tzinfo=UTC)  # suggested
    inquiry = next(i for i in open_items.values() if "status" in str(i["SUMMARY"]))
    assert inquiry.decoded("DTSTART") == datetime(2026, 12, 8, 14, tzinfo=UTC)


def test_a_thank_you_sent_completes_its_todo_under_the_same_uid(contract: Application) -> None:
    before = todos(to_ics([contract], NOW))
    bo = next(u for u, i in before.items() if "Thank Bo Chen" in str(i["SUMMARY"]))
    sent = record(
        contract, {"type": "thank_you_sent", "at": "2026-11-24T09:30:00-05:00", "to": "Bo Chen"}
    )
    after = todos(to_ics([sent], NOW + timedelta(hours=1)))
    assert str(after[bo]["STATUS"]) == "COMPLETED"
    assert after[bo].decoded("COMPLETED") == datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    assert int(after[bo]["SEQUENCE"]) > int(before[bo]["SEQUENCE"])
    ana = next(u for u, i in after.items() if "Thank Ana Ruiz" in str(i["SUMMARY"]))
    assert str(after[ana]["STATUS"]) == "COMPLETED"  # thanked before the export


def test_a_window_that_moves_keeps_its_uid_and_raises_its_sequence(contract: Application) -> None:
    # a still-deciding reply with a later date moves the inquiry's opening
    both = record(
        contract, {"type": "thank_you_sent", "at": "2026-11-23T16:00:00-05:00", "to": "Bo Chen"}
    )
    at = datetime.fromisoformat("2026-12-01T12:00:00-05:00")
    before = todos(to_ics([both], at))
    inquiry = next(u for u, i in before.items() if "status" in str(i["SUMMARY"]))
    moved = record(
        both,
        {
            "type": "reply_received",
            "at": "2026-12-02T10:00:00-05:00",
            "decision_expected_by": "2026-12-18",
        },
    )
    after = todos(to_ics([moved], at + timedelta(days=2)))
    assert inquiry in after
    assert after[inquiry].decoded("DTSTART") > before[inquiry].decoded("DTSTART")
    assert int(after[inquiry]["SEQUENCE"]) == int(before[inquiry]["SEQUENCE"]) + 1


def test_events_instead_of_todos(contract: Application) -> None:
    cal = icalendar.Calendar.from_ical(to_ics([contract], NOW, events=True))
    assert not cal.walk("VTODO")
    events = cal.walk("VEVENT")
    assert len(events) == len(plan(contract, NOW).windows)
    thank = next(e for e in events if "Thank Bo Chen" in str(e["SUMMARY"]))
    assert thank.decoded("DTSTART") == datetime(2026, 11, 24, 14, tzinfo=UTC)  # suggested
    assert thank.decoded("DTEND") - thank.decoded("DTSTART") == timedelta(minutes=30)


def test_the_cli_writes_the_tracked_plans_or_a_files(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    path.write_text(contract_application().to_json(), encoding="utf-8")
    status, out, err = cli(["ics", str(path), "--now", NOW.isoformat()])
    assert (status, err) == (0, "")
    assert out == to_ics([contract_application()], NOW)
    db = str(tmp_path / "t.sqlite3")
    assert cli(["add", str(path), "--db", db])[0] == 0
    status, tracked, _ = cli(["ics", "--now", NOW.isoformat(), "--db", db])
    assert tracked == out


def test_the_calendar_page_shows_what_the_command_writes() -> None:
    page = (Path(__file__).parent.parent / "docs" / "calendar.md").read_text(encoding="utf-8")
    shown = page.split("```text\n", 1)[1].split("```", 1)[0]
    acme = Application.from_json(
        (Path(__file__).parent.parent / "docs" / "examples" / "acme.json").read_text()
    )
    written = to_ics([acme], NOW).replace("\r\n", "\n")
    assert written.startswith(shown)


@settings(max_examples=30)
@given(data=st.data())
def test_exporting_twice_gives_the_same_uids_and_sequences(data: st.DataObject) -> None:
    app = data.draw(s.histories())
    now = data.draw(s.instants_around(app))
    first = to_ics([app], now)
    assert to_ics([app], now) == first
    items = todos(first)
    later = now + timedelta(seconds=data.draw(st.integers(1, 3600)))
    if all(e.at <= now for e in app.events):
        # nothing new by then: every to-do still there keeps its UID and its SEQUENCE
        again = todos(to_ics([app], later))
        for uid, item in again.items():
            if uid in items:
                assert int(item["SEQUENCE"]) == int(items[uid]["SEQUENCE"]), uid
