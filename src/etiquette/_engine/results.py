"""The results of the engine's questions: :class:`Decision`, :class:`Verdict`, :class:`Blocked`.

Frozen attrs values with their wire format (``to_dict``). They are kept apart from the code that
makes them (:mod:`etiquette._engine.decisions`), which is compiled when the package is built:
these stay Python classes, so that attrs keeps them frozen and their properties keep their
docstrings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from .errors import Violation
from .times import calendar_for
from .wire import decision_dict, local_text

__all__ = ["Blocked", "Decision", "Verdict"]


@attrs.frozen
class Blocked:
    """An action held back: by which rule, and until when (``None``: not by waiting)."""

    action: str
    rule: str
    until: datetime | None


@attrs.frozen
class Decision:
    """What to do next for one application, from when, until when, and why."""

    application: str
    as_of: datetime
    state: str
    action: str
    to: tuple[str, ...]
    not_before: datetime | None
    due_by: datetime | None
    suggested_at: datetime | None
    late: bool
    rule: str
    reason: str
    optional: tuple[str, ...] = ()
    blocked: tuple[Blocked, ...] = ()
    outcome: str | None = None
    timezone: str = "UTC"
    #: the earliest instant after ``as_of`` at which the decision's state, action, recipients,
    #: rule, late flag, ``not_before`` or ``due_by`` change with no new event (None: only an
    #: event can change them); the instant a tracker indexes to know when to look again
    revisit_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """The wire format; instants in the application's timezone."""
        return decision_dict(self)


@attrs.frozen
class Verdict:
    """Whether a contact is allowed at an instant, and if not, which rules it breaks."""

    allowed: bool
    action: str
    at: datetime
    violations: tuple[Violation, ...] = ()
    timezone: str = "UTC"

    @property
    def allowed_from(self) -> datetime | None:
        """The earliest instant every broken rule would allow it (``None``: never)."""
        if self.allowed:
            return self.at
        times = [v.allowed_from for v in self.violations]
        if any(t is None for t in times):
            return None
        return max(t for t in times if t is not None)

    def to_dict(self) -> dict[str, Any]:
        """The wire format; instants in the application's timezone."""
        tz = calendar_for(self.timezone, None).tz
        return {
            "allowed": self.allowed,
            "action": self.action,
            "at": local_text(self.at, tz),
            "violations": [v.to_dict(tz) for v in self.violations],
        }
