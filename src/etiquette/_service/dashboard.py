"""The dashboard: server-rendered HTML pages (Jinja2, autoescaped), no build step, no script.

What is due (soonest first, overdue marked, each with its window, its rule and a link to its
draft), one page per application (its history, its plan, a form to log an event), and the
calendar feed's address. The form carries a token tied to this server (a request from another
site cannot know it) and a request from another origin is refused.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .._engine import (
    EVENT_TYPES,
    EtiquetteViolation,
    InvalidApplication,
    InvalidEvent,
    calendar_for,
    describe,
    next_action,
    plan,
    record,
)

__all__ = ["Dashboard"]


class Dashboard:
    """The pages, on the store ``open_store()`` gives."""

    def __init__(self, open_store: Callable[[], Any]) -> None:
        import jinja2

        self.open_store = open_store
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.secret = secrets.token_bytes(32)

    def _page(self, name: str, request: Any, status: int = 200, **context: Any) -> Any:
        from starlette.responses import HTMLResponse

        feed = f"{request.base_url}calendar.ics"
        html = self.env.get_template(name).render(feed=feed, **context)
        return HTMLResponse(html, status_code=status)

    def _apps(self) -> list[Any]:
        store = self.open_store()
        try:
            return list(store.all())
        finally:
            store.close()

    def due(self, request: Any, now: datetime) -> Any:
        from . import _due

        apps = {a.id: a for a in self._apps()}
        rows = []
        for d in _due(list(apps.values()), now, None):
            app = apps[d.application]
            cal = calendar_for(app.timezone, app.country)
            when = (
                d.not_before if d.action in ("wait", "none") else (d.suggested_at or d.not_before)
            )
            window = ""
            if d.not_before is not None and d.action not in ("wait", "none"):
                window = f"from {cal.wall_clock(d.not_before)}"
                if d.due_by is not None:
                    window += f", due {cal.wall_clock(d.due_by)}"
            overdue = d.late or (
                d.due_by is not None and d.action not in ("wait", "none") and d.due_by <= d.as_of
            )
            rows.append(
                {
                    "id": app.id,
                    "title": " — ".join(x for x in (app.company, app.role) if x),
                    "when": "—" if when is None else cal.wall_clock(when, zone=True),
                    "next": d.action
                    + (f" → {', '.join(d.to)}" if d.to else "")
                    + (" (late)" if d.late else ""),
                    "window": window,
                    "rule": d.rule,
                    "overdue": overdue,
                    "draft": d.action not in ("wait", "none"),
                }
            )
        shown = now.astimezone(UTC).strftime("%a %Y-%m-%d %H:%M UTC")
        return self._page("due.html.j2", request, now=shown, rows=rows)

    def application(self, request: Any, app_id: str, now: datetime, message: str = "") -> Any:
        store = self.open_store()
        try:
            app = store.get(app_id)
        finally:
            store.close()
        cal = calendar_for(app.timezone, app.country)
        decision = next_action(app, now)
        history = [
            {"when": cal.wall_clock(e.at, zone=True), "what": describe(e, cal)}
            for e in sorted(app.events, key=lambda e: e.at)
        ]
        ahead = plan(app, now)
        items = [
            (
                w.not_before,
                f"{w.action}" + (f" → {', '.join(w.to)}" if w.to else "") + f" ({w.rule})",
            )
            for w in ahead.windows
        ] + [(c.at, f"{c.source} → {c.dest} by itself ({c.rule})") for c in ahead.changes]
        return self._page(
            "application.html.j2",
            request,
            status=200 if not message.startswith("refused") else 409,
            app=app,
            title=" — ".join(x for x in (app.company, app.role) if x),
            decision=decision,
            draft=decision.action not in ("wait", "none"),
            history=history,
            ahead=[
                {"when": cal.wall_clock(t, zone=True), "what": w}
                for t, w in sorted(items, key=lambda i: i[0])
            ],
            csrf=self.csrf(app_id),
            types=list(EVENT_TYPES),
            now_text=now.astimezone(UTC).isoformat(timespec="seconds"),
            message=message,
        )

    def draft(self, request: Any, app_id: str, now: datetime) -> Any:
        from .._drafts import draft

        store = self.open_store()
        try:
            app = store.get(app_id)
        finally:
            store.close()
        return self._page(
            "draft.html.j2", request, app=app, drafts=draft(app, now), company=app.company or app.id
        )

    def csrf(self, app_id: str) -> str:
        """The form token of an application's page: known to this server alone."""
        return hmac.new(self.secret, app_id.encode(), "sha256").hexdigest()

    def log(self, request: Any, app_id: str, raw: bytes) -> Any:
        from starlette.responses import PlainTextResponse

        origin = request.headers.get("origin") or request.headers.get("referer")
        if origin is not None and urlsplit(origin).netloc != request.url.netloc:
            return PlainTextResponse("refused: a form from another site", status_code=403)
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        if not hmac.compare_digest(form.get("csrf", ""), self.csrf(app_id)):
            return PlainTextResponse(
                "refused: the form's token is missing or wrong", status_code=403
            )
        event: dict[str, Any] = {"type": form.get("type", ""), "at": form.get("at", "")}
        if form.get("to"):
            event["to"] = form["to"]
        store = self.open_store()
        now = datetime.now(UTC)
        try:
            store.log(app_id, lambda a: record(a, event), now)
            message = f"logged: {event['type']}"
        except EtiquetteViolation as exc:
            message = "refused: " + "; ".join(f"{v.rule}: {v.message}" for v in exc.violations)
        except (InvalidApplication, InvalidEvent) as exc:
            message = f"refused: {exc}"
        finally:
            store.close()
        return self.application(request, app_id, now, message)
