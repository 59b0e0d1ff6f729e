"""A deterministic, seeded synthetic workload of realistic application histories.

Application ``i`` of seed ``s`` depends on ``(s, i)`` only, so any slice of the workload can be
generated on its own, lazily, in constant memory: :func:`applications` is a generator and a
million of them never live in memory at once.

Each history is what a tracker would hold on the benchmark's ``NOW``: an interview in the
weeks before it (1-3 named interviewers, now and then an unnamed panel), thank-yous within
hours (some late, some with a handwritten note), status inquiries once the timeline has passed,
the employer's replies (with or without a new date), offers and their answers, rejections and
the gracious reply, now and then a second round or a withdrawal. Events after ``NOW`` are left
out. The histories are valid by construction (they never contain an event that cannot happen,
such as one after the application closed); some contacts do break the etiquette, as real ones
do, and the engine notes them. Timezones and countries are a mix of nine regions and UTC.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["NOW", "application", "applications"]

#: The instant every decision of the benchmark is asked at.
NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)

_REGIONS: tuple[tuple[str, str | None], ...] = (
    ("America/New_York", "US"),
    ("America/Los_Angeles", "US-CA"),
    ("America/Toronto", "CA"),
    ("America/Sao_Paulo", "BR"),
    ("Europe/London", "GB"),
    ("Europe/Berlin", "DE"),
    ("Europe/Paris", "FR"),
    ("Asia/Kolkata", "IN"),
    ("Asia/Tokyo", "JP"),
    ("Australia/Sydney", "AU"),
    ("UTC", None),
)
_ZONES = {name: ZoneInfo(name) for name, _ in _REGIONS}
_PEOPLE = (
    "Ana Ruiz",
    "Bo Chen",
    "Chidi Okafor",
    "Dana Levi",
    "Emma Schulz",
    "Farid Haddad",
    "Grace Kim",
    "Hiro Tanaka",
    "Ines Costa",
    "Jon Berg",
)
_COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne")
_ROLES = ("Backend Engineer", "Data Analyst", "Product Designer", "SRE", "Engineering Manager")


class _History:
    """The events of one application, written in the application's local time."""

    def __init__(self, rng: random.Random, zone: ZoneInfo) -> None:
        self.rng = rng
        self.zone = zone
        self.events: list[dict[str, Any]] = []

    def instant(self, t: datetime) -> str:
        return t.astimezone(self.zone).isoformat()

    def add(self, t: datetime, kind: str, **fields: Any) -> bool:
        """Append an event at ``t`` unless it lies after NOW; False once NOW is passed."""
        if t > NOW:
            return False
        self.events.append({"type": kind, "at": self.instant(t), **fields})
        return True

    def hours(self, lo: float, hi: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(lo, hi))

    def days(self, lo: float, hi: float) -> timedelta:
        return timedelta(days=self.rng.uniform(lo, hi))

    def round(self, start: datetime) -> datetime | None:
        """One interview round and its thank-yous; the interview's end, or None past NOW."""
        rng = self.rng
        length = timedelta(minutes=rng.choice((30, 45, 60, 90)))
        names = rng.sample(_PEOPLE, rng.choice((1, 1, 2, 2, 2, 3))) if rng.random() < 0.93 else []
        fields: dict[str, Any] = {}
        if rng.random() < 0.8:
            fields["ends_at"] = self.instant(start + length)
        if names:
            fields["interviewers"] = names
        if rng.random() < 0.6:
            expected = start.astimezone(self.zone).date() + timedelta(days=rng.randint(5, 14))
            fields["decision_expected_by"] = expected.isoformat()
        if rng.random() < 0.3:
            fields["notes"] = ["their roadmap for next year"]
        if not self.add(start, "interview", **fields):
            return None
        end = start + length
        slots: list[str | None] = [*names] if names else [None]  # None: the coordinator
        for name in slots:
            if rng.random() < 0.9:
                to = {} if name is None else {"to": name}
                # mostly on the same day; one in ten a day or two late
                when = end + (self.hours(0.5, 20) if rng.random() < 0.9 else self.hours(25, 50))
                self.add(when, "thank_you_sent", **to)
                if rng.random() < 0.15:
                    self.add(when + self.hours(1, 6), "thank_you_sent", channel="handwritten", **to)
        return end


def _local_start(rng: random.Random, zone: ZoneInfo) -> datetime:
    """A weekday, 09:00-16:00 local, in the 50 days before NOW."""
    day = NOW.astimezone(zone).date() - timedelta(days=rng.randint(0, 50))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return _at(day, rng.randint(9, 16), rng.choice((0, 15, 30)), zone)


def _at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def application(seed: int, i: int) -> dict[str, Any]:
    """Application ``i`` of the workload of ``seed``, in the wire format."""
    rng = random.Random(seed * 1_000_003 + i)
    tz, country = rng.choice(_REGIONS)
    zone = _ZONES[tz]
    h = _History(rng, zone)
    app: dict[str, Any] = {"id": f"app-{seed}-{i}", "timezone": tz}
    if country is not None:
        app["country"] = country
    if rng.random() < 0.7:
        app["company"] = rng.choice(_COMPANIES)
        app["role"] = rng.choice(_ROLES)
    app["events"] = h.events
    end = h.round(_local_start(rng, zone))
    rounds = 1
    while end is not None:
        # the employer's first word: a reply, an offer, a rejection, or silence
        t = end + h.days(3, 12)
        unanswered = 0
        pick = rng.random()
        if pick < 0.25:  # silence for now: the candidate asks, at most twice
            t = end + h.days(10, 13)
            while unanswered < 2 and h.add(t, "status_inquiry_sent"):
                unanswered += 1
                last, t = t, t + h.days(7, 8)
            if unanswered == 2 and rng.random() < 0.5:
                # the employer answers before the application goes cold (ghosted-close)
                h.add(last + h.days(1, 3), rng.choice(("reply_received", "rejection_received")))
            break
        if pick < 0.45:  # still deciding
            if rng.random() < 0.5:
                t = end + h.days(10, 15)
                if not h.add(t, "status_inquiry_sent"):
                    break
                t += h.days(1, 4)
            fields: dict[str, Any] = {}
            if rng.random() < 0.5:
                fields["decision_expected_by"] = (
                    (t + timedelta(days=rng.randint(3, 10))).astimezone(zone).date().isoformat()
                )
            if not h.add(t, "reply_received", **fields):
                break
            if rounds < 2 and rng.random() < 0.3:  # invited to a second round
                start = _at((t + h.days(3, 8)).astimezone(zone).date(), 10, 0, zone)
                while start.weekday() >= 5:
                    start += timedelta(days=1)
                end = h.round(start)
                rounds += 1
                continue
            t += h.days(5, 15)
            pick = rng.uniform(0.45, 1.0)
        if pick < 0.7:  # an offer
            respond: dict[str, Any] = {}
            if rng.random() < 0.5:
                respond["respond_by"] = (t + timedelta(days=7)).astimezone(zone).date().isoformat()
            if h.add(t, "offer_received", **respond) and rng.random() < 0.8:
                h.add(
                    t + h.days(0.2, 3),
                    rng.choice(("offer_accepted", "offer_accepted", "offer_declined")),
                )
            break
        if pick < 0.97:  # a rejection, mostly answered graciously within a day or two
            if h.add(t, "rejection_received") and rng.random() < 0.7:
                h.add(t + h.hours(2, 40), "rejection_reply_sent")
            break
        h.add(t, "withdrawn")
        break
    return app


def applications(n: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """The first ``n`` applications of the workload of ``seed``, generated lazily."""
    for i in range(n):
        yield application(seed, i)
