#!/usr/bin/env python3
"""Cost of the wait forecast (``domain.forecast``) and of a new ticket's estimate.

A city hall's state: 30 windows sharing 9 services with preference orders, half of them busy,
``--waiting`` tickets waiting (default 200) and expected arrivals. Prints:

1. the forward simulation (run once per burst of changes, off the request path);
2. a new ticket's estimate read from it (on the issue path): tail time + steps.

It prints figures; it asserts nothing.
"""

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from queue_server.domain.forecast import HallNow, Waiting, WindowNow, forecast  # noqa: E402

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


def city_state(waiting: int, seed: int = 1) -> HallNow:
    rng = random.Random(seed)
    services = list(range(1, 10))
    windows = []
    for number in range(30):
        first = services[number % 9]
        order = (first,) + tuple(rng.sample([s for s in services if s != first], number % 3))
        busy = number % 2 == 0
        windows.append(WindowNow(number, order, first if busy else None,
                                 NOW - timedelta(minutes=rng.uniform(0, 15)) if busy else None))
    tickets = [Waiting(i, rng.choice(services), rng.random() < 0.05,
                       NOW - timedelta(seconds=rng.uniform(0, 3600))) for i in range(waiting)]
    handling = {s: 300.0 + 60 * s for s in services}
    rates = {(s, p): (4.0 if p else 40.0) for s in services for p in (False, True)}
    return HallNow(NOW, windows, tickets, handling, {s: 1800 for s in services}, rates)


def per_call_ms(action, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - started) * 1000 / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waiting", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    state = city_state(args.waiting)
    result = forecast(state)
    print(f"forecast, {args.waiting} waiting, 30 windows: "
          f"{per_call_ms(lambda: forecast(state), args.repeat):.2f} ms per run "
          f"({len(result.call_at)} tickets estimated)")
    reads = 100_000
    read_ms = per_call_ms(lambda: result.new_ticket_wait_s(3, False, NOW, 5), reads)
    print(f"a new ticket's estimate from it: {read_ms * 1000:.2f} µs")


if __name__ == "__main__":
    main()
