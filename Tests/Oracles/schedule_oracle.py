#!/usr/bin/env python3
# Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0
"""An independent oracle for TandemSchedule: business-hours calendars, SLA clocks, cron.

Reads one JSON document on stdin, writes the answers as JSON on stdout. Standard library only.

It shares nothing with the Swift code but the written semantics (docs/JOBS.md). Where the Swift
code maps wall-clock intervals onto UTC stretches, this file walks UTC time in fixed steps and
asks zoneinfo what the wall clock shows at each step:

- Calendars: every case lies on a grid of GRID seconds (instants, hours, durations; the zones
  used change offset on that grid), so each grid cell is wholly open or wholly closed, and an
  instant is open when its wall time falls in its wall date's hours and outside the holiday.
- Clocks: a cell counts when it is open and the ticket's status at the cell is new or open.
- Cron: walk UTC minutes; a minute fires when its wall time matches and is the first
  occurrence (fold == 0), or when the clock jumped forward into it and a skipped wall minute
  matches.
"""

import json
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

GRID = 300
LIMIT_DAYS = 40  # far beyond any opening or closing of a calendar that ever closes
RUNNING = {"new", "open"}


class Calendar:
    def __init__(self, spec):
        self.zone = ZoneInfo(spec["zone"])
        # weekday: 0 = Sunday ... 6 = Saturday, as in cron.
        self.hours = {int(day): ranges for day, ranges in spec["hours"].items()}
        self.holidays = {h["date"]: h.get("closed") for h in spec["holidays"]}
        self.cache = {}

    def is_open(self, t):
        answer = self.cache.get(t)
        if answer is None:
            answer = self.cache[t] = self._is_open(t)
        return answer

    def _is_open(self, t):
        local = datetime.fromtimestamp(t, self.zone)
        minute = local.hour * 60 + local.minute
        weekday = (local.weekday() + 1) % 7
        if not any(a <= minute < b for a, b in self.hours.get(weekday, [])):
            return False
        key = local.strftime("%Y-%m-%d")
        if key in self.holidays:
            closed = self.holidays[key]
            if closed is None:
                return False
            if any(a <= minute < b for a, b in closed):
                return False
        return True

    def duration(self, start, end):
        return sum(GRID for t in range(start, end, GRID) if self.is_open(t))

    def deadline(self, start, amount):
        counted, t = 0, start
        while counted < amount:
            if self.is_open(t):
                counted += GRID
            t += GRID
        return t

    def next_change(self, after, opening):
        t = after + GRID
        stop = after + LIMIT_DAYS * 86400
        while t < stop:
            if self.is_open(t) == opening and self.is_open(t - GRID) != opening:
                return t
            t += GRID
        return None


def calendar_case(calendars, case):
    calendar = calendars[case["calendar"]]
    start, end, amount = case["start"], case["end"], case["amount"]
    return {
        "open": calendar.is_open(start),
        "duration": calendar.duration(start, end),
        "deadline": calendar.deadline(start, amount),
        "nextOpening": calendar.next_change(start, True),
        "nextClosing": calendar.next_change(start, False),
    }


def clock_case(calendars, case):
    calendar = calendars[case["calendar"]]
    changes = [(change["at"], change["status"]) for change in case["changes"]]
    changes = [change for _, change in sorted(enumerate(changes), key=lambda pair: (pair[1][0], pair[0]))]

    def status(t):
        current = case["initial"]
        for at, value in changes:
            if at <= t:
                current = value
        return current

    def counts(t):
        return status(t) in RUNNING and calendar.is_open(t)

    start, now, amount = case["start"], case["now"], case["amount"]
    elapsed = sum(GRID for t in range(start, now, GRID) if counts(t))
    last_change = max([start] + [at for at, _ in changes])
    final_running = status(last_change) in RUNNING
    deadline, counted, t = None, 0, start
    if amount == 0:
        deadline = start
    while deadline is None:
        if t >= last_change and not final_running:
            break
        if counts(t):
            counted += GRID
            if counted == amount:
                deadline = t + GRID
        t += GRID
    return {"elapsed": elapsed, "deadline": deadline}


MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
MACROS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}


class Cron:
    BOUNDS = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]

    def __init__(self, text):
        text = MACROS.get(text.strip().lower(), text)
        fields = text.split()
        assert len(fields) == 5, text
        self.sets = [self.parse(field, index) for index, field in enumerate(fields)]
        self.sets[4] = {value % 7 for value in self.sets[4]}
        self.sets[0] = sorted(self.sets[0])
        self.either = not fields[2].startswith("*") and not fields[4].startswith("*")

    def parse(self, field, index):
        low_bound, high_bound = self.BOUNDS[index]
        names = {3: MONTHS, 4: DAYS}.get(index, [])
        first = 1 if index == 3 else 0

        def number(token):
            if token.upper() in names:
                return names.index(token.upper()) + first
            return int(token)

        values = set()
        for item in field.split(","):
            base, slash, step_text = item.partition("/")
            step = int(step_text) if slash else 1
            top = 6 if index == 4 else high_bound
            if base == "*":
                low, high = low_bound, top
            elif "-" in base:
                a, b = base.split("-")
                low, high = number(a), number(b)
            else:
                low = number(base)
                high = top if slash else low
            values.update(range(low, high + 1, step))
        return values

    def date_matches(self, local):
        minute, hour, dom, month, dow = self.sets
        if local.month not in month:
            return False
        day_ok = local.day in dom
        weekday_ok = (local.weekday() + 1) % 7 in dow
        return (day_ok or weekday_ok) if self.either else (day_ok and weekday_ok)

    def wall_matches(self, local):
        return self.date_matches(local) and local.hour in self.sets[1] and local.minute in self.sets[0]


def wall_of(t, zone):
    """The wall clock at t as a naive datetime (no fold)."""
    return datetime.fromtimestamp(t, zone).replace(tzinfo=None, fold=0)


def cron_case(case):
    zone = ZoneInfo(case["zone"])
    cron = Cron(case["expr"])
    t = (case["after"] // 60) * 60 + 60
    stop = t + 3660 * 86400
    while t < stop:
        local = datetime.fromtimestamp(t, zone)
        previous = wall_of(t - 60, zone)
        wall = local.replace(tzinfo=None, fold=0)
        if wall - previous > timedelta(minutes=1):
            skipped = previous + timedelta(minutes=1)
            while skipped < wall:
                if cron.wall_matches(skipped):
                    return {"next": t}
                skipped += timedelta(minutes=1)
        if local.fold == 0 and cron.wall_matches(local):
            return {"next": t}
        if not cron.date_matches(local):
            # Nothing fires for the rest of this wall date: leap to its end if the offset holds
            # till then, else to three hours before it.
            rest = (24 * 60 - (local.hour * 60 + local.minute)) * 60
            if datetime.fromtimestamp(t + rest, zone).utcoffset() != local.utcoffset():
                rest -= 180 * 60
            if rest > 60 and wall - previous == timedelta(minutes=1):
                t += rest
                continue
        if cron.date_matches(local):
            # Leap to the next minute of this wall hour that could match, if the offset holds till then.
            later = [m for m in cron.sets[0] if m > local.minute] if local.hour in cron.sets[1] else []
            rest = ((later[0] if later else 60) - local.minute) * 60
            if rest > 60 and datetime.fromtimestamp(t + rest, zone).utcoffset() == local.utcoffset():
                t += rest
                continue
        t += 60
    return {"next": None}


def main():
    request = json.load(sys.stdin)
    calendars = [Calendar(spec) for spec in request.get("calendars", [])]
    json.dump({
        "calendarCases": [calendar_case(calendars, case) for case in request.get("calendarCases", [])],
        "clockCases": [clock_case(calendars, case) for case in request.get("clockCases", [])],
        "cronCases": [cron_case(case) for case in request.get("cronCases", [])],
    }, sys.stdout)


if __name__ == "__main__":
    main()
