"""Drafts and lint: the messages themselves, through the API and the command line.

Every lint finding has its test, named by its rule id; the package's own drafts pass its own
lint for any generated history (a property test); hostile and broken templates are refused with
one line.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etiquette import Application, DraftError, draft, lint, record

from . import strategies as s
from .conftest import contract_data

NOW = datetime.fromisoformat("2026-11-24T09:00:00-05:00")


def panel(**more: Any) -> Application:
    """Two interviewers, two notes, nobody thanked yet; signed by the candidate."""
    data = contract_data(
        events=[
            {
                "type": "interview",
                "at": "2026-11-23T10:00:00-05:00",
                "ends_at": "2026-11-23T11:00:00-05:00",
                "interviewers": ["Ana Ruiz", "Bo Chen"],
                "decision_expected_by": "2026-12-04",
                "notes": ["the event sourcing migration", "on-call rotations"],
            }
        ]
    )
    return Application.from_dict({**data, "candidate": "Sam Lee", **more})


def thanked() -> Application:
    app = panel()
    for name, at in (("Ana Ruiz", "15:00"), ("Bo Chen", "15:05")):
        app = record(app, {"type": "thank_you_sent", "at": f"2026-11-23T{at}:00-05:00", "to": name})
    return app


def rules(findings: list[Any]) -> list[str]:
    return [f.rule for f in findings]


# --- drafts -----------------------------------------------------------------------------------


def test_one_thank_you_per_interviewer_each_different_each_leading_with_another_note() -> None:
    drafts = [d for d in draft(panel(), NOW) if d.kind == "thank_you"]
    assert [d.to for d in drafts] == [("Ana Ruiz",), ("Bo Chen",)]
    ana, bo = drafts
    assert ana.body != bo.body
    assert ana.body.splitlines()[2] != bo.body.splitlines()[2]  # a different opening
    assert ana.body.index("event sourcing") < ana.body.index("on-call")
    assert bo.body.index("on-call") < bo.body.index("event sourcing")
    assert ana.body.rstrip().endswith("Sam Lee")  # signed
    assert ana.rule == "thank-you-24h"
    assert ana.decision.action == "send_thank_you"


def test_the_first_and_the_second_status_inquiry_read_differently() -> None:
    first = draft(thanked(), datetime.fromisoformat("2026-12-08T09:00:00-05:00"))
    assert [d.kind for d in first] == ["status_inquiry"]
    assert "Friday 04 December" in first[0].body
    asked = record(thanked(), {"type": "status_inquiry_sent", "at": "2026-12-08T09:30:00-05:00"})
    second = draft(asked, datetime.fromisoformat("2026-12-15T09:30:00-05:00"))
    assert [d.kind for d in second] == ["status_inquiry"]
    assert second[0].body != first[0].body
    assert "again" not in second[0].body.lower()


def test_the_gracious_reply_to_a_rejection() -> None:
    rejected = record(thanked(), {"type": "rejection_received", "at": "2026-12-01T10:00:00-05:00"})
    (reply,) = draft(rejected, datetime.fromisoformat("2026-12-01T11:00:00-05:00"))
    assert reply.kind == "rejection_reply"
    assert "opportunity" in reply.body
    assert "time" in reply.body
    assert lint(reply.body, "rejection_reply", rejected) == []


def test_the_acknowledgement_of_an_offer() -> None:
    offer = {
        "type": "offer_received",
        "at": "2026-12-01T10:00:00-05:00",
        "respond_by": "2026-12-09",
    }
    offered = record(thanked(), offer)
    (reply,) = draft(offered, datetime.fromisoformat("2026-12-01T11:00:00-05:00"))
    assert reply.kind == "offer_reply"
    assert "by Wednesday 09 December" in reply.body


def test_the_optional_handwritten_note_is_shorter_and_has_no_link() -> None:
    drafts = draft(panel(), NOW)
    notes = [d for d in drafts if d.kind == "handwritten_note"]
    assert [d.to for d in notes] == [("Ana Ruiz",), ("Bo Chen",)]
    thank = next(d for d in drafts if d.kind == "thank_you")
    assert len(notes[0].body.split()) < len(thank.body.split())
    assert "http" not in notes[0].body


def test_nothing_to_write_while_waiting() -> None:
    assert draft(thanked(), datetime.fromisoformat("2026-11-30T09:00:00-05:00")) == []


# --- templates --------------------------------------------------------------------------------


def test_a_users_template_overrides_the_built_in_one_by_name(tmp_path: Path) -> None:
    (tmp_path / "thank_you.txt.j2").write_text(
        "Subject: Thanks, {{ to }}\n\nThank you, {{ to }}, for {{ notes[0] }}.\n", encoding="utf-8"
    )
    drafts = draft(panel(), NOW, templates=tmp_path)
    thank = next(d for d in drafts if d.kind == "thank_you")
    assert thank.subject == "Thanks, Ana Ruiz"
    assert thank.body == "Thank you, Ana Ruiz, for the event sourcing migration.\n"
    assert any(d.kind == "handwritten_note" and "Dear" in d.body for d in drafts)  # built in


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("Subject: x\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n", 3, "unsafe"),
        ("Subject: x\n\n{{ to.__class__ }}\n", 3, "unsafe"),
        ("Subject: x\n\n{% if %}\n", 3, ""),
        ("Subject: x\n\n\n{{ nobody }}\n", 4, "undefined"),
    ],
    ids=["mro", "dunder", "syntax", "undefined"],
)
def test_a_hostile_or_broken_template_is_refused_with_its_name_and_line(
    tmp_path: Path, cli: Any, source: str, line: int, words: str
) -> None:
    (tmp_path / "thank_you.txt.j2").write_text(source, encoding="utf-8")
    with pytest.raises(DraftError) as info:
        draft(panel(), NOW, templates=tmp_path)
    assert info.value.template == "thank_you.txt.j2"
    assert info.value.line == line
    assert words in info.value.why.lower()
    app = tmp_path / "app.json"
    app.write_text(panel().to_json(), encoding="utf-8")
    status, out, err = cli(
        ["draft", str(app), "--now", NOW.isoformat(), "--templates", str(tmp_path)]
    )
    assert (status, out) == (2, "")  # nothing of it printed
    assert err.startswith(f"error: template thank_you.txt.j2, line {line}: ")
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


# --- lint: one test per finding -----------------------------------------------------------------

POLITE = """Hello,

I hope you are well. I wanted to ask whether there is any news on the Backend Engineer position.
I remain very interested in joining Acme.

Thank you for your time.

Best regards,
Sam Lee
"""


def test_a_polite_inquiry_passes() -> None:
    assert lint(POLITE, "status_inquiry", panel()) == []


@pytest.mark.parametrize(
    "phrase",
    [
        "Just following up again on my application.",
        "Please send it ASAP.",
        "I need to know where things stand.",
        "Per my last email, I am waiting.",
        "Why haven't I heard from you?",
        "Please respond by Friday.",
        "Please reply today.",
        "Let me know by end of day.",
    ],
)
def test_lint_pushy_names_its_phrase(phrase: str) -> None:
    found = lint(f"Hello,\n\n{phrase}\n\nBest regards\n", "status_inquiry")
    assert "lint-pushy" in rules(found)
    pushy = next(f for f in found if f.rule == "lint-pushy")
    assert pushy.line == 3
    assert pushy.text.lower() in phrase.lower()
    assert pushy.suggestion


def test_lint_punctuation_repeated_marks() -> None:
    found = lint("Any news?? I am excited!!!\n", "status_inquiry")
    assert [(f.rule, f.text, f.column) for f in found] == [
        ("lint-punctuation", "??", 9),
        ("lint-punctuation", "!!!", 24),
    ]


def test_lint_shouting_but_not_acronyms() -> None:
    assert rules(lint("I worked with AWS and TPS reports at NASA.\n", "thank_you")) == []
    found = lint("PLEASE REPLY soon. This is IMPORTANT.\n", "status_inquiry")
    assert [f.text for f in found if f.rule == "lint-shouting"] == ["PLEASE REPLY", "IMPORTANT"]


@pytest.mark.parametrize(
    ("kind", "limit"), [("thank_you", 200), ("status_inquiry", 150), ("handwritten_note", 100)]
)
def test_lint_too_long_by_kind(kind: str, limit: int) -> None:
    assert "lint-too-long" not in rules(lint("thanks " * limit, kind))
    found = lint("thanks " * (limit + 1), kind)
    assert "lint-too-long" in rules(found)
    assert str(limit) in next(f for f in found if f.rule == "lint-too-long").suggestion


def test_lint_no_notes_a_thank_you_that_refers_to_nothing_said() -> None:
    plain = "Dear Ana Ruiz,\n\nThank you for the interview.\n\nBest regards\n"
    found = lint(plain, "thank_you", panel())
    assert rules(found) == ["lint-no-notes"]
    assert "event sourcing" in found[0].suggestion
    specific = plain.replace("the interview.", "the interview and the on-call rotations.")
    assert lint(specific, "thank_you", panel()) == []
    assert lint(plain, "thank_you") == []  # no application: no notes known


def test_lint_no_thanks_and_lint_argues_on_a_rejection_reply() -> None:
    found = lint("I disagree with the decision; please reconsider.\n", "rejection_reply")
    assert sorted(rules(found)) == ["lint-argues", "lint-argues", "lint-no-thanks"]
    assert [f.text for f in found if f.rule == "lint-argues"] == ["I disagree", "reconsider"]


def test_lint_spelling_with_the_names_of_the_application_as_known_words() -> None:
    text = (
        "Dear Ana Ruiz,\n\nThank you for the intervew about sourcing at Acme and AWS.\n\n"
        "Best regards,\nSam Okonkwo\n"
    )
    found = lint(text, "thank_you", panel(candidate="Sam Okonkwo"))
    assert rules(found) == ["lint-spelling"]
    assert found[0].text == "intervew"
    assert "interview" in found[0].suggestion
    assert (found[0].line, found[0].column) == (3, 19)
    # without the application, the names are unknown words too
    assert "Okonkwo" in [f.text for f in lint(text, "thank_you") if f.rule == "lint-spelling"]


def test_lint_cli_exits_1_and_names_the_phrases(cli: Any, tmp_path: Path) -> None:
    message = tmp_path / "m.txt"
    message.write_text("Hello,\n\nJust following up again!! ASAP please.\n", encoding="utf-8")
    status, out, err = cli(["lint", str(message), "--kind", "status_inquiry"])
    assert (status, err) == (1, "")
    assert "lint-pushy 'Just following up again'" in out
    assert "lint-punctuation '!!'" in out
    status, out, _ = cli(["lint", str(message), "--kind", "status_inquiry", "--json"])
    assert {f["rule"] for f in json.loads(out)} == {"lint-pushy", "lint-punctuation"}
    polite = tmp_path / "p.txt"
    polite.write_text(POLITE, encoding="utf-8")
    app = tmp_path / "app.json"
    app.write_text(panel().to_json(), encoding="utf-8")
    assert cli(["lint", str(polite), "--kind", "status_inquiry", "--app", str(app)])[:2] == (
        0,
        "no findings\n",
    )
    # without the application, its role and company are words the dictionary does not know
    status, out, _ = cli(["lint", str(polite), "--kind", "status_inquiry"])
    assert status == 1
    assert "lint-spelling 'Backend'" in out


def test_draft_cli_from_a_file_or_the_tracker(cli: Any, tmp_path: Path) -> None:
    app = tmp_path / "app.json"
    app.write_text(panel().to_json(), encoding="utf-8")
    status, out, err = cli(["draft", str(app), "--now", NOW.isoformat()])
    assert (status, err) == (0, "")
    assert out.startswith("To: Ana Ruiz\nSubject: Thank you for the Backend Engineer interview\n")
    status, out, _ = cli(["draft", str(app), "--now", NOW.isoformat(), "--json"])
    drafts = json.loads(out)
    assert [d["kind"] for d in drafts][:2] == ["thank_you", "thank_you"]
    assert set(drafts[0]) == {"kind", "to", "subject", "body", "rule", "decision"}
    db = str(tmp_path / "t.sqlite3")
    assert cli(["add", str(app), "--db", db])[0] == 0
    status, tracked, _ = cli(["draft", "acme-backend-1", "--now", NOW.isoformat(), "--db", db])
    assert status == 0
    assert tracked.startswith("To: Ana Ruiz\n")
    status, shown, _ = cli(["show", "acme-backend-1", "--now", NOW.isoformat(), "--db", db])
    assert "etiquette draft acme-backend-1" in shown
    status, due, _ = cli(["due", "--now", NOW.isoformat(), "--db", db])
    assert "etiquette draft ID" in due


# --- the package's own drafts pass its own lint -------------------------------------------------


@settings(max_examples=30)
@given(data=st.data())
def test_every_draft_of_any_history_passes_the_lint(data: st.DataObject) -> None:
    app = data.draw(s.histories())
    now = data.draw(s.instants_around(app))
    for message in draft(app, now):
        found = lint(message.body, message.kind, app)
        assert found == [], (message.kind, message.body, found)


def test_the_phrases_are_data_a_user_extends(tmp_path: Path, cli: Any) -> None:
    text = "Hello,\n\nCircling back on my application.\n"
    assert lint(text, "status_inquiry") == []
    extra = tmp_path / "mine.toml"
    extra.write_text('[pushy]\nphrases = ["circling back"]\n', encoding="utf-8")
    found = lint(text, "status_inquiry", phrases=extra)
    assert [(f.rule, f.text) for f in found] == [("lint-pushy", "Circling back")]
    message = tmp_path / "m.txt"
    message.write_text(text, encoding="utf-8")
    status, out, _ = cli(
        ["lint", str(message), "--kind", "status_inquiry", "--phrases", str(extra)]
    )
    assert status == 1
    assert "lint-pushy 'Circling back'" in out
    extra.write_text('[pushy]\ncolour = ["x"]\n', encoding="utf-8")
    status, _, err = cli(
        ["lint", str(message), "--kind", "status_inquiry", "--phrases", str(extra)]
    )
    assert status == 2
    assert "pushy.colour" in err
