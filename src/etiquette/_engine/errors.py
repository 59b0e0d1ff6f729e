"""The exceptions of etiquette; every one derives from :class:`EtiquetteError`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

__all__ = [
    "EtiquetteError",
    "EtiquetteViolation",
    "InvalidApplication",
    "InvalidEvent",
    "SpecError",
    "Violation",
    "field_path",
]


def field_path(outer: str, inner: str) -> str:
    """The path ``inner`` inside ``outer``: ``events[2]`` and ``at`` make ``events[2].at``,
    ``[0]`` and ``events[1]`` make ``[0].events[1]``, ``line 3`` is not this (either may be
    empty). The one place error paths are joined; paths are built only when an error names one.
    """
    if not inner:
        return outer
    if not outer:
        return inner
    return f"{outer}{inner}" if inner.startswith("[") else f"{outer}.{inner}"


@attrs.frozen
class Violation:
    """A rule that an action breaks, why, and from when it would be allowed (``None``: never)."""

    rule: str
    message: str
    allowed_from: datetime | None = None

    def to_dict(self, tz: Any = None) -> dict[str, Any]:
        """The wire form ``{"rule", "message", "allowed_from"}``."""
        when = self.allowed_from
        if when is not None and tz is not None:
            when = when.astimezone(tz)
        return {
            "rule": self.rule,
            "message": self.message,
            "allowed_from": None if when is None else when.isoformat(),
        }


class EtiquetteError(Exception):
    """Base class of every error raised by etiquette."""


class SpecError(EtiquetteError):
    """A policy spec is malformed or inconsistent.

    ``file`` is the spec's path, ``path`` the key path inside it (``rules.inquiry-spacing.spacing``)
    and ``why`` what is wrong with it.
    """

    def __init__(self, file: str, path: str, why: str) -> None:
        self.file = file
        self.path = path
        self.why = why
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {why}")


class InvalidApplication(EtiquetteError, ValueError):
    """Input that does not fit the wire format or the API.

    ``path`` names the field (``events[2].at``); ``why`` says what was expected.
    """

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"{path}: {why}" if path else why)

    def within(self, outer: str) -> InvalidApplication:
        """The same error, its path placed inside ``outer`` (:func:`field_path`)."""
        return InvalidApplication(field_path(outer, self.path), self.why)


class InvalidEvent(EtiquetteError):
    """An event that cannot happen where it stands in the history.

    A thank-you before any interview, a reply to a rejection that never came, anything after the
    application closed. ``path`` names the event (``events[3]``) when it comes from a history.
    """

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"{path}: {why}" if path else why)

    def within(self, outer: str) -> InvalidEvent:
        """The same error, its path placed inside ``outer`` (:func:`field_path`)."""
        return InvalidEvent(field_path(outer, self.path), self.why)


class EtiquetteViolation(EtiquetteError):
    """A contact recorded in strict mode breaks the policy; nothing was recorded.

    ``violations`` lists each broken rule with its message and ``allowed_from`` (``None`` when the
    contact will never be allowed).
    """

    def __init__(self, action: str, violations: Sequence[Violation]) -> None:
        self.action = action
        self.violations: tuple[Violation, ...] = tuple(violations)
        rules = ", ".join(v.rule for v in self.violations)
        detail = "; ".join(v.message for v in self.violations)
        super().__init__(f"{action} breaks {rules}: {detail}")
