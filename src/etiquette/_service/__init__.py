"""``etiquette serve``: the engine and the tracker over HTTP, for trackers in any language.

Theory of operation
-------------------

An ASGI application (Starlette) with two kinds of endpoint: the stateless engine (``/v1/next``,
``/v1/check``, ``/v1/plan``, ``/v1/record``: the wire format in, the wire format out, exactly as
the CLI's ``--json``) and the personal tracker (``/v1/applications``, ``/v1/due``,
``/calendar.ics``) on the same SQLite store as the CLI. Every request's fault is a 4xx with
``{"error": {"path", "message"}}``; a body over the limit is a 413; nothing a request sends can
make a 5xx or a traceback. With a token, every request but ``GET /healthz`` needs
``Authorization: Bearer <token>``, compared in constant time.

Starlette, not Litestar: the engine's values already write their own wire format (``to_dict``),
so the framework needs no model layer, and Starlette's small surface and test client are enough.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .._engine import (
    Application,
    EtiquetteError,
    EtiquetteViolation,
    InvalidApplication,
    InvalidEvent,
    SpecError,
    check,
    load_json,
    next_action,
    parse_instant,
    plan,
    record,
)

__all__ = ["MAX_BODY", "create_app", "openapi"]

#: The largest body a request may send, in bytes.
MAX_BODY = 1 << 20

_Handler = Callable[[Any], Awaitable[Any]]


class _Refused(Exception):
    """A request's fault: its status, the field path and the message."""

    def __init__(self, status: int, path: str, message: str) -> None:
        super().__init__(message)
        self.status, self.path, self.message = status, path, message


def _error(status: int, path: str, message: str, **more: Any) -> Any:
    from starlette.responses import JSONResponse

    return JSONResponse({"error": {"path": path, "message": message}, **more}, status_code=status)


def create_app(
    db: str | Path | None = None, token: str | None = None, max_body: int = MAX_BODY
) -> Any:
    """The ASGI application: the engine's endpoints, the tracker's on the store ``db`` (None:
    the tracker's default database), and the dashboard. ``token``: the bearer token every
    request but ``/healthz`` must carry (None: none needed, for 127.0.0.1)."""
    from importlib.metadata import version

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    __version__ = version("etiquette")

    def guarded(handler: _Handler, *, open_to_all: bool = False) -> _Handler:
        async def endpoint(request: Request) -> Any:
            if token is not None and not open_to_all:
                given = request.headers.get("authorization", "")
                expected = f"Bearer {token}"
                if not hmac.compare_digest(given.encode(), expected.encode()):
                    return _error(401, "authorization", "a bearer token is needed")
            try:
                return await handler(request)
            except _Refused as exc:
                return _error(exc.status, exc.path, exc.message)
            except EtiquetteViolation as exc:
                return JSONResponse(
                    {
                        "error": {"path": "event", "message": str(exc)},
                        "violations": [v.to_dict() for v in exc.violations],
                    },
                    status_code=409,
                )
            except (InvalidApplication, InvalidEvent) as exc:
                return _error(422, exc.path, exc.why)
            except SpecError as exc:
                return _error(422, exc.path, exc.why)
            except EtiquetteError as exc:
                return _error(400, "", str(exc))

        return endpoint

    async def body(request: Request) -> Any:
        size = request.headers.get("content-length")
        if size is not None and size.isdigit() and int(size) > max_body:
            raise _Refused(413, "", f"the body is over {max_body} bytes")
        chunks = []
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > max_body:
                raise _Refused(413, "", f"the body is over {max_body} bytes")
            chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw.strip():
            raise _Refused(400, "", "expected a JSON body")
        try:
            return load_json(raw)
        except InvalidApplication as exc:
            raise _Refused(400, exc.path, exc.why) from None

    def instant(request: Request, name: str) -> datetime:
        value = request.query_params.get(name)
        if value is None:
            return datetime.now(UTC)
        return parse_instant(value, name)

    def applications(data: Any) -> list[Application]:
        if isinstance(data, list):
            return [Application.from_dict(item, f"[{i}]") for i, item in enumerate(data)]
        return [Application.from_dict(data)]

    def one(data: Any) -> Application:
        if isinstance(data, list):
            raise _Refused(422, "", "expected one application, not a list")
        return Application.from_dict(data)

    async def healthz(request: Request) -> Any:
        return JSONResponse({"status": "ok", "version": __version__})

    async def openapi_json(request: Request) -> Any:
        return JSONResponse(openapi())

    async def next_(request: Request) -> Any:
        data = await body(request)
        now = instant(request, "now")
        apps = applications(data)
        decisions = []
        for i, app in enumerate(apps):
            try:
                decisions.append(next_action(app, now).to_dict())
            except InvalidEvent as exc:
                raise exc.within(f"[{i}]") if isinstance(data, list) else exc from None
        return JSONResponse(decisions if isinstance(data, list) else decisions[0])

    async def check_(request: Request) -> Any:
        action = request.query_params.get("action")
        if action is None:
            raise _Refused(422, "action", "missing; expected the action to check")
        app = one(await body(request))
        verdict = check(app, action, instant(request, "at"), to=request.query_params.get("to"))
        return JSONResponse(verdict.to_dict())

    async def plan_(request: Request) -> Any:
        app = one(await body(request))
        return JSONResponse(plan(app, instant(request, "now")).to_dict())

    async def record_(request: Request) -> Any:
        data = await body(request)
        if not isinstance(data, dict) or set(data) != {"application", "event"}:
            raise _Refused(422, "", 'expected {"application": …, "event": …}')
        strict = request.query_params.get("strict", "true")
        if strict not in ("true", "false"):
            raise _Refused(422, "strict", "expected true or false")
        app = Application.from_dict(data["application"], "application")
        if not isinstance(data["event"], dict):
            raise _Refused(422, "event", "expected an event object")
        grown = record(app, data["event"], strict=strict == "true")
        return JSONResponse(grown.to_dict())

    # --- the tracker ----------------------------------------------------------------------

    def store() -> Any:
        from .._store import Store, default_path

        return Store(db or default_path())

    async def list_applications(request: Request) -> Any:
        if request.method == "POST":
            apps = applications(await body(request))
            now = datetime.now(UTC)
            for i, app in enumerate(apps):
                last = max((e.at for e in app.events), default=now)
                try:
                    next_action(app, max(last, now))
                except InvalidEvent as exc:
                    raise exc.within(f"[{i}]") if len(apps) > 1 else exc from None
            s = store()
            try:
                for app in apps:
                    if s.has(app.id) and request.query_params.get("replace") != "true":
                        raise _Refused(409, "id", f"{app.id!r} is already tracked")
                for app in apps:
                    s.put(app, now, replace=True)
            finally:
                s.close()
            return JSONResponse([a.to_dict() for a in apps], status_code=201)
        s = store()
        try:
            return JSONResponse([a.to_dict() for a in s.all()])
        finally:
            s.close()

    async def get_application(request: Request) -> Any:
        now = instant(request, "now")
        s = store()
        try:
            app = s.get(request.path_params["app_id"])
        finally:
            s.close()
        return JSONResponse(
            {
                "application": app.to_dict(),
                "decision": next_action(app, now).to_dict(),
                "plan": plan(app, now).to_dict(),
            }
        )

    async def post_event(request: Request) -> Any:
        event = await body(request)
        if not isinstance(event, dict):
            raise _Refused(422, "event", "expected an event object")
        force = request.query_params.get("force") == "true"
        s = store()
        try:
            at = datetime.now(UTC)
            grown = s.log(
                request.path_params["app_id"], lambda a: record(a, event, strict=not force), at
            )
        finally:
            s.close()
        return JSONResponse(grown.to_dict(), status_code=201)

    async def due(request: Request) -> Any:
        now = instant(request, "now")
        within = request.query_params.get("within")
        horizon = None if within is None else now + _span(within)
        s = store()
        try:
            apps = s.all()
        finally:
            s.close()
        return JSONResponse([d.to_dict() for d in _due(apps, now, horizon)])

    async def calendar(request: Request) -> Any:
        from .._ics import to_ics

        s = store()
        try:
            apps = s.all()
        finally:
            s.close()
        text = to_ics(apps, instant(request, "now"))
        return Response(text, media_type="text/calendar; charset=utf-8")

    async def not_found(request: Request, exc: Exception) -> Any:
        return _error(404, "", f"no such endpoint: {request.method} {request.url.path}")

    async def not_allowed(request: Request, exc: Exception) -> Any:
        return _error(405, "", f"{request.method} is not allowed on {request.url.path}")

    # --- the dashboard ----------------------------------------------------------------------

    from .dashboard import Dashboard

    pages = Dashboard(store)

    async def page_due(request: Request) -> Any:
        return pages.due(request, instant(request, "now"))

    async def page_application(request: Request) -> Any:
        return pages.application(request, request.path_params["app_id"], instant(request, "now"))

    async def page_draft(request: Request) -> Any:
        return pages.draft(request, request.path_params["app_id"], instant(request, "now"))

    async def page_log(request: Request) -> Any:
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > max_body:
                raise _Refused(413, "", f"the body is over {max_body} bytes")
        return pages.log(request, request.path_params["app_id"], raw)

    routes = [
        Route("/", guarded(page_due), methods=["GET"]),
        Route("/applications/{app_id}", guarded(page_application), methods=["GET"]),
        Route("/applications/{app_id}/draft", guarded(page_draft), methods=["GET"]),
        Route("/applications/{app_id}/events", guarded(page_log), methods=["POST"]),
        Route("/healthz", guarded(healthz, open_to_all=True), methods=["GET"]),
        Route("/openapi.json", guarded(openapi_json), methods=["GET"]),
        Route("/v1/next", guarded(next_), methods=["POST"]),
        Route("/v1/check", guarded(check_), methods=["POST"]),
        Route("/v1/plan", guarded(plan_), methods=["POST"]),
        Route("/v1/record", guarded(record_), methods=["POST"]),
        Route("/v1/applications", guarded(list_applications), methods=["GET", "POST"]),
        Route("/v1/applications/{app_id}", guarded(get_application), methods=["GET"]),
        Route("/v1/applications/{app_id}/events", guarded(post_event), methods=["POST"]),
        Route("/v1/due", guarded(due), methods=["GET"]),
        Route("/calendar.ics", guarded(calendar), methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found, 405: not_allowed})


def _span(text: str) -> timedelta:
    import re

    found = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", text)
    if found is None:
        raise _Refused(422, "within", f"{text!r} is not a span such as 7d, 36h or 2w")
    amount, unit = int(found.group(1)), found.group(2)
    return (
        timedelta(hours=amount)
        if unit == "h"
        else timedelta(days=amount * (7 if unit == "w" else 1))
    )


def _due(apps: list[Application], now: datetime, horizon: datetime | None) -> list[Any]:
    """Open applications' decisions, soonest first (as ``etiquette due --json``)."""
    rows = []
    far = datetime.max.replace(tzinfo=UTC)
    for app in apps:
        d = next_action(app, now)
        if d.state == "closed":
            continue
        when = d.not_before if d.action in ("wait", "none") else (d.suggested_at or d.not_before)
        overdue = d.late or (
            d.due_by is not None and d.action not in ("wait", "none") and d.due_by <= d.as_of
        )
        if horizon is not None and (when is None or when > horizon) and not overdue:
            continue
        rows.append((when or far, app.id, d))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [d for _, _, d in rows]


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document; its component schemas are the package's JSON Schemas."""
    import pkgutil

    components: dict[str, Any] = {}
    for name in ("application", "event", "decision", "plan", "verdict"):
        raw = pkgutil.get_data("etiquette", f"_specs/schema/{name}.schema.json")
        assert raw is not None
        schema = json.loads(raw)
        for key, value in schema.pop("$defs", {}).items():
            components[key] = value
        components[name.capitalize()] = _local_refs(schema)
    error = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                "required": ["path", "message"],
            }
        },
        "required": ["error"],
    }
    components["Error"] = error

    def body(ref: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": {"$ref": ref}}}}

    def answer(ref: str, description: str) -> dict[str, Any]:
        return {
            "200": {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": ref}}},
            },
            "422": {
                "description": "bad input",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        }

    def query(name: str, description: str, required: bool = False) -> dict[str, Any]:
        return {
            "name": name,
            "in": "query",
            "required": required,
            "description": description,
            "schema": {"type": "string"},
        }

    app_ref = "#/components/schemas/Application"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "etiquette",
            "version": "1",
            "description": (
                "Interview follow-up etiquette: what to send, from when, until when, and why."
            ),
        },
        "paths": {
            "/v1/next": {
                "post": {
                    "summary": "The next action of an application (or of each of a list)",
                    "parameters": [query("now", "RFC 3339 instant; default: now")],
                    "requestBody": body(app_ref),
                    "responses": answer("#/components/schemas/Decision", "the decision"),
                }
            },
            "/v1/check": {
                "post": {
                    "summary": "Whether a contact is allowed",
                    "parameters": [
                        query("action", "the action", True),
                        query("at", "RFC 3339 instant"),
                        query("to", "the recipient"),
                    ],
                    "requestBody": body(app_ref),
                    "responses": answer(
                        "#/components/schemas/Verdict", "the verdict, allowed or not"
                    ),
                }
            },
            "/v1/plan": {
                "post": {
                    "summary": "Every window ahead",
                    "parameters": [query("now", "RFC 3339 instant")],
                    "requestBody": body(app_ref),
                    "responses": answer("#/components/schemas/Plan", "the plan"),
                }
            },
            "/v1/record": {
                "post": {
                    "summary": "Record an event",
                    "parameters": [query("strict", "true (default) or false")],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "application": {"$ref": app_ref},
                                        "event": {"$ref": "#/components/schemas/Event"},
                                    },
                                    "required": ["application", "event"],
                                }
                            }
                        },
                    },
                    "responses": {
                        **answer(app_ref, "the application with the event"),
                        "409": {"description": "a contact refused in strict mode"},
                    },
                }
            },
            "/v1/applications": {
                "get": {
                    "summary": "Every tracked application",
                    "responses": {"200": {"description": "the applications"}},
                },
                "post": {
                    "summary": "Track applications",
                    "requestBody": body(app_ref),
                    "responses": {"201": {"description": "tracked"}},
                },
            },
            "/v1/applications/{app_id}": {
                "get": {
                    "summary": "A tracked application, its decision and its plan",
                    "parameters": [
                        {
                            "name": "app_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        query("now", "RFC 3339 instant"),
                    ],
                    "responses": {"200": {"description": "application, decision, plan"}},
                }
            },
            "/v1/applications/{app_id}/events": {
                "post": {
                    "summary": "Log an event (the rules of etiquette log)",
                    "parameters": [
                        {
                            "name": "app_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        query("force", "true: record a contact despite its rules"),
                    ],
                    "requestBody": body("#/components/schemas/Event"),
                    "responses": {
                        "201": {"description": "logged"},
                        "409": {"description": "a contact that breaks the etiquette"},
                    },
                }
            },
            "/v1/due": {
                "get": {
                    "summary": "Open applications' decisions, soonest first",
                    "parameters": [
                        query("now", "RFC 3339 instant"),
                        query("within", "36h, 7d, 2w"),
                    ],
                    "responses": {"200": {"description": "decisions"}},
                }
            },
            "/calendar.ics": {
                "get": {
                    "summary": "The calendar export of the tracked applications",
                    "responses": {
                        "200": {"description": "iCalendar text", "content": {"text/calendar": {}}}
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Status and version",
                    "security": [],
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _local_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema as an OpenAPI component: its own ``$defs`` kept, references to the other
    files pointed at their components."""
    text = json.dumps(schema)
    text = text.replace('"event.schema.json"', '"#/components/schemas/Event"')
    text = text.replace('"#/$defs/', '"#/components/schemas/')
    out: dict[str, Any] = json.loads(text)
    out.pop("$schema", None)
    out.pop("$id", None)
    return out
