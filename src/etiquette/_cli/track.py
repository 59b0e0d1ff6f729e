"""The personal tracker: ``add``, ``new``, ``log``, ``undo``, ``due``, ``show``, ``export`` and
``import``, on the store of :mod:`etiquette._store` (``--db PATH``, ``ETIQUETTE_DB``, or the
user's data directory)."""

from __future__ import annotations

import argparse
import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from .._engine import (
    Application,
    Decision,
    EtiquetteViolation,
    InvalidApplication,
    InvalidEvent,
    calendar_for,
    describe,
    event_from_dict,
    next_action,
    plan,
    record,
)
from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    applications,
    instant,
    local,
    policy_of,
    policy_option,
    read_json,
    write_json,
)

__all__ = ["add", "open_store"]


def add(sub: Any) -> None:
    """The tracker's sub-commands."""
    cmd = sub.add_parser("add", help="track application(s) from a JSON file (- for stdin)")
    cmd.add_argument("file")
    cmd.add_argument(
        "--replace", action="store_true", help="replace an application already tracked"
    )
    _store_options(cmd)
    cmd.set_defaults(run=_add)

    cmd = sub.add_parser("new", help="start tracking an application by hand")
    cmd.add_argument("id")
    cmd.add_argument("--company", required=True)
    cmd.add_argument("--role")
    cmd.add_argument("--timezone", default="UTC", help="the employer's IANA zone (default UTC)")
    cmd.add_argument("--country", help="ISO 3166 code whose public holidays are not business days")
    cmd.add_argument("--candidate", help="your name, to sign the drafts with")
    _store_options(cmd)
    cmd.set_defaults(run=_new)

    cmd = sub.add_parser("log", help="record what happened: an event of an application")
    cmd.add_argument("id")
    cmd.add_argument("type", help="the event type (interview, thank_you_sent, reply_received, …)")
    cmd.add_argument("--at", help="when it happened (RFC 3339 with offset); default: now")
    cmd.add_argument("--to", help="the interviewer a thank-you is for")
    cmd.add_argument("--channel", choices=["email", "handwritten"], help="of a thank-you")
    cmd.add_argument("--ends-at", help="when the interview ended")
    cmd.add_argument("--interviewers", help="the interview's interviewers, comma-separated")
    cmd.add_argument("--date", help="the decision date they gave (YYYY-MM-DD)")
    cmd.add_argument("--respond-by", help="an offer's respond-by (a date or an instant)")
    cmd.add_argument("--note", action="append", help="what was said (repeatable)")
    cmd.add_argument(
        "--force", action="store_true", help="record a contact already sent, despite its rules"
    )
    _store_options(cmd)
    cmd.set_defaults(run=_log)

    cmd = sub.add_parser("undo", help="remove the last event logged for an application")
    cmd.add_argument("id")
    cmd.add_argument("--yes", action="store_true", help="remove it (without: only show it)")
    _store_options(cmd)
    cmd.set_defaults(run=_undo)

    cmd = sub.add_parser("due", help="every open application's next action, soonest first")
    cmd.add_argument("--now", help="the instant to decide at; default: now")
    cmd.add_argument("--within", help="only what comes within this long: 7d, 36h, 2w")
    cmd.add_argument("--json", action="store_true", help="the decisions in the wire format")
    _store_options(cmd)
    cmd.set_defaults(run=_due)

    cmd = sub.add_parser("show", help="one application's history and its plan")
    cmd.add_argument("id")
    cmd.add_argument("--now", help="the instant to decide at; default: now")
    cmd.add_argument("--json", action="store_true", help="application, decision and plan as JSON")
    _store_options(cmd)
    cmd.set_defaults(run=_show)

    cmd = sub.add_parser("export", help="every tracked application, as JSON or CSV")
    cmd.add_argument("--format", choices=["json", "csv"], default="json")
    cmd.add_argument("--now", help="the instant the CSV's state and next action are as of")
    _store_options(cmd)
    cmd.set_defaults(run=_export)

    cmd = sub.add_parser("ics", help="the plans as an iCalendar file (to-dos, or --events)")
    cmd.add_argument("file", nargs="?", help="applications as JSON (- for stdin); default: tracked")
    cmd.add_argument("--now", help="the instant the plans are as of; default: now")
    cmd.add_argument("--events", action="store_true", help="events instead of to-dos")
    _store_options(cmd)
    cmd.set_defaults(run=_ics)

    cmd = sub.add_parser("import", help="track the applications of an export (JSON or CSV)")
    cmd.add_argument("file")
    cmd.add_argument("--replace", action="store_true", help="replace applications already tracked")
    _store_options(cmd)
    cmd.set_defaults(run=_import)


def _store_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--db", help="the tracker's database (default: $ETIQUETTE_DB, else per user)")
    policy_option(cmd)


def open_store(args: argparse.Namespace) -> Any:
    """The store ``--db`` names (else ``ETIQUETTE_DB``, else the user's data directory)."""
    from .._store import Store, default_path

    return Store(args.db or default_path(), policy_of(args))


# --- add, new, import --------------------------------------------------------------------------


def _add(args: argparse.Namespace, out: TextIO) -> int:
    apps = [app for _, app in applications(read_json(args.file))]
    return _put_all(args, out, apps)


def _put_all(args: argparse.Namespace, out: TextIO, apps: list[Application]) -> int:
    now = instant(None, "--now")
    policy = policy_of(args)
    for i, app in enumerate(apps):
        last = max((e.at for e in app.events), default=now)
        try:
            next_action(app, max(last, now), policy)  # a history that cannot happen: refused
        except (InvalidApplication, InvalidEvent) as exc:
            raise exc.within(f"[{i}]") if len(apps) > 1 else exc from None
    store = open_store(args)
    try:
        for app in apps:
            store.put(app, now, replace=args.replace)
    finally:
        store.close()
    out.write("".join(f"tracking {app.id} ({len(app.events)} events)\n" for app in apps))
    return EXIT_OK


def _new(args: argparse.Namespace, out: TextIO) -> int:
    data = {"id": args.id, "company": args.company, "timezone": args.timezone}
    if args.role:
        data["role"] = args.role
    if args.country:
        data["country"] = args.country
    if args.candidate:
        data["candidate"] = args.candidate
    app = Application.from_dict(data)
    args.replace = False
    return _put_all(args, out, [app])


def _import(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.file)
    if path.suffix.lower() == ".csv":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidApplication(args.file, f"cannot read: {exc}") from None
        return _put_all(args, out, _from_csv(text, args.file))
    return _put_all(args, out, [app for _, app in applications(read_json(args.file))])


# --- log, undo -----------------------------------------------------------------------------------


def _log(args: argparse.Namespace, out: TextIO) -> int:
    at = instant(args.at, "--at")
    data: dict[str, Any] = {"type": args.type, "at": at.isoformat()}
    if args.to is not None:
        data["to"] = args.to
    if args.channel is not None:
        data["channel"] = args.channel
    if args.ends_at is not None:
        data["ends_at"] = instant(args.ends_at, "--ends-at").isoformat()
    if args.interviewers is not None:
        data["interviewers"] = [n.strip() for n in args.interviewers.split(",") if n.strip()]
    if args.date is not None:
        data["decision_expected_by"] = args.date
    if args.respond_by is not None:
        data["respond_by"] = args.respond_by
    if args.note:
        data["notes"] = args.note
    event = event_from_dict(data, "event")
    policy = policy_of(args)
    store = open_store(args)
    try:
        try:
            app = store.log(args.id, lambda a: record(a, event, policy, strict=not args.force), at)
        except EtiquetteViolation as exc:
            app = store.get(args.id)
            cal = calendar_for(app.timezone, app.country)
            out.write(f"refused: {event.type} for {args.id} (nothing recorded)\n")
            for v in exc.violations:
                when = "never" if v.allowed_from is None else f"from {local(cal, v.allowed_from)}"
                out.write(f"  {v.rule}: {v.message} (allowed {when})\n")
            out.write("  (--force records a contact already sent, with its violations)\n")
            return EXIT_REFUSED
    finally:
        store.close()
    logged = app.events[-1]
    cal = calendar_for(app.timezone, app.country)
    out.write(f"{args.id}: {local(cal, logged.at)}  {describe(logged, cal)}\n")
    decision = next_action(app, at, policy)  # (what it leads to, as of the event itself)
    out.write(f"then: {_what(decision)}\n")
    return EXIT_OK


def _undo(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    try:
        last = store.last_event(args.id)
        if last is None:
            out.write(f"{args.id}: no event to undo\n")
            return EXIT_REFUSED
        app = store.get(args.id)
        cal = calendar_for(app.timezone, app.country)
        shown = describe(event_from_dict(last, "event"), cal)
        if not args.yes:
            out.write(f"would remove from {args.id}: {shown}\n(--yes to remove it)\n")
            return EXIT_REFUSED
        store.undo(args.id, instant(None, "--now"))
    finally:
        store.close()
    out.write(f"removed from {args.id}: {shown}\n")
    return EXIT_OK


# --- due, show --------------------------------------------------------------------------------


def _when(decision: Decision) -> datetime | None:
    """When the decision asks for something: the suggestion, else its opening."""
    if decision.action in ("wait", "none"):
        return decision.not_before
    return decision.suggested_at or decision.not_before


def _overdue(decision: Decision) -> bool:
    return decision.late or (
        decision.due_by is not None
        and decision.action not in ("wait", "none")
        and decision.due_by <= decision.as_of
    )


_SPAN = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")


def _within(text: str) -> timedelta:
    found = _SPAN.match(text)
    if found is None:
        raise InvalidApplication("--within", f"{text!r} is not a span such as 7d, 36h or 2w")
    amount, unit = int(found.group(1)), found.group(2)
    return (
        timedelta(hours=amount)
        if unit == "h"
        else timedelta(days=amount * (7 if unit == "w" else 1))
    )


def _due(args: argparse.Namespace, out: TextIO) -> int:
    now = instant(args.now, "--now")
    horizon = None if args.within is None else now + _within(args.within)
    policy = policy_of(args)
    store = open_store(args)
    try:
        apps = store.all()
    finally:
        store.close()
    rows: list[tuple[datetime | None, Decision, Application]] = []
    for app in apps:
        decision = next_action(app, now, policy)
        if decision.state == "closed":
            continue
        when = _when(decision)
        if horizon is not None and (when is None or when > horizon) and not _overdue(decision):
            continue
        rows.append((when, decision, app))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    rows.sort(key=lambda r: (r[0] or far, r[2].id))
    if args.json:
        write_json(out, [d.to_dict() for _, d, _ in rows])
        return EXIT_OK
    if not rows:
        out.write("nothing due\n")
        return EXIT_OK
    table = [("", "when", "application", "next", "due by", "rule")]
    for when, d, app in rows:
        cal = calendar_for(app.timezone, app.country)
        title = " — ".join(x for x in (app.company, app.role) if x)
        table.append(
            (
                "!" if _overdue(d) else "",
                "—" if when is None else local(cal, when),
                app.id + (f" ({title})" if title else ""),
                _what(d),
                "—" if d.due_by is None else local(cal, d.due_by),
                d.rule,
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for row in table:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    if any(_overdue(d) for _, d, _ in rows):
        out.write("! overdue: its deadline has passed (still allowed, late)\n")
    if any(d.action not in ("wait", "none") for _, d, _ in rows):
        out.write("etiquette draft ID writes the message for an action due\n")
    return EXIT_OK


def _what(d: Decision) -> str:
    text = d.action + (f" → {', '.join(d.to)}" if d.to else "")
    return text + (" (late)" if d.late else "")


def _show(args: argparse.Namespace, out: TextIO) -> int:
    now = instant(args.now, "--now")
    policy = policy_of(args)
    store = open_store(args)
    try:
        app = store.get(args.id)
    finally:
        store.close()
    decision = next_action(app, now, policy)
    ahead = plan(app, now, policy)
    if args.json:
        write_json(
            out,
            {"application": app.to_dict(), "decision": decision.to_dict(), "plan": ahead.to_dict()},
        )
        return EXIT_OK
    cal = calendar_for(app.timezone, app.country)
    title = " — ".join(x for x in (app.company, app.role) if x)
    out.write(f"{app.id}" + (f"  {title}" if title else "") + f"  ({app.timezone})\n\nhistory\n")
    for event in sorted(app.events, key=lambda e: e.at):
        out.write(f"  {local(cal, event.at)}  {describe(event, cal)}\n")
    if not app.events:
        out.write("  (nothing yet)\n")
    out.write(f"\nnow ({local(cal, now)}): {decision.state}, {_what(decision)}\n")
    out.write(f"  {decision.reason}\n")
    if decision.action not in ("wait", "none"):
        out.write(f"  the message: etiquette draft {app.id}\n")
    if ahead.windows or ahead.changes:
        out.write("\nahead\n")
        items: list[tuple[datetime, str]] = []
        for w in ahead.windows:
            who = f" → {', '.join(w.to)}" if w.to else ""
            due = "" if w.due_by is None else f"; due {local(cal, w.due_by)}"
            until = "" if w.limit is None else f"; until {local(cal, w.limit)}"
            opt = " (optional)" if w.optional else ""
            items.append((w.not_before, f"{w.action}{who}{opt} opens{due}{until} ({w.rule})"))
        for c in ahead.changes:
            items.append((c.at, f"{c.source} → {c.dest} by itself ({c.rule})"))
        for at, text in sorted(items, key=lambda i: i[0]):
            out.write(f"  {local(cal, at)}  {text}\n")
    return EXIT_OK


# --- ics -------------------------------------------------------------------------------------


def _ics(args: argparse.Namespace, out: TextIO) -> int:
    from .._ics import to_ics

    now = instant(args.now, "--now")
    if args.file is not None:
        apps = [app for _, app in applications(read_json(args.file))]
    else:
        store = open_store(args)
        try:
            apps = store.all()
        finally:
            store.close()
    out.write(to_ics(apps, now, policy_of(args), events=args.events))
    return EXIT_OK


# --- export ----------------------------------------------------------------------------------

_CSV_HEADER = (
    "id",
    "company",
    "role",
    "timezone",
    "country",
    "state",
    "next_action",
    "due",
    "stages",
)


#: What a spreadsheet may take for the start of a formula.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _neutral(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    return "'" + cell if cell[:1] in _FORMULA else cell


def _export(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    try:
        apps = store.all()
    finally:
        store.close()
    if args.format == "json":
        write_json(out, [app.to_dict() for app in apps])
        return EXIT_OK
    now = instant(args.now, "--now")
    policy = policy_of(args)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_HEADER)
    for app in apps:
        d = next_action(app, now, policy)
        due = d.due_by.isoformat() if d.due_by is not None else ""
        stages = "; ".join(_stage(e) for e in app.to_dict()["events"])
        row = (
            app.id,
            app.company or "",
            app.role or "",
            app.timezone,
            app.country or "",
            d.state,
            _what(d),
            due,
            stages,
        )
        writer.writerow([_neutral(cell) for cell in row])
    out.write(buffer.getvalue())
    return EXIT_OK


def _stage(event: dict[str, Any]) -> str:
    """One event of the stage history: ``type@instant``, ``thank_you_sent@instant>Name``."""
    text = f"{event['type']}@{event['at']}"
    if event.get("to"):
        text += f">{event['to']}"
    return text


def _from_csv(text: str, file: str) -> list[Application]:
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows or tuple(rows[0]) != _CSV_HEADER:
        raise InvalidApplication(
            file, f"expected a CSV export with the header {','.join(_CSV_HEADER)}"
        )
    apps = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(_CSV_HEADER):
            raise InvalidApplication(f"{file}: line {number}", f"expected {len(_CSV_HEADER)} cells")
        cells = [
            c[1:] if c[:1] == "'" and c[1:2] in ("=", "+", "-", "@", "\t", "\r") else c for c in row
        ]
        app_id, company, role, timezone, country = cells[:5]
        events = []
        for stage in filter(None, (s.strip() for s in cells[8].split(";"))):
            kind, _, rest = stage.partition("@")
            at, _, to = rest.partition(">")
            event: dict[str, Any] = {"type": kind, "at": at}
            if to:
                event["to"] = to
            events.append(event)
        data: dict[str, Any] = {"id": app_id, "timezone": timezone or "UTC", "events": events}
        if country:
            data["country"] = country
        if company:
            data["company"] = company
        if role:
            data["role"] = role
        try:
            apps.append(Application.from_dict(data))
        except InvalidApplication as exc:
            raise exc.within(f"{file}: line {number}") from None
    return apps
