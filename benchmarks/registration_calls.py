"""Python function calls per registration, by part of the request: a figure that does not swing.

``benchmarks/registration.py`` measures registrations per second, and its figures swing with this
machine's speed (by half within minutes). The number of Python calls a registration makes does
not: it shows whether a change made the request cheaper, and where the rest goes. In-process,
through Flask's test client (no gunicorn, no sockets), on the same event as the benchmark.

    python benchmarks/registration_calls.py [--only sqlite|postgresql] [--count 200] [--top 25]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from registration import CSRF, RADIO, prepare  # noqa: E402  (the benchmark's own event)

#: Innermost of these on the stack gets the call: (code name, part of the request).
PARTS = {
    "published_or_404": "event and program read",
    "for_event": "form built",
    "validate_on_submit": "form checked (CSRF included)",
    "registration_problems": "service rules",
    "privacy_version": "privacy notice version",
    "_fill": "registration built",
    "lock_event": "locking",
    "_take_seats": "seats",
    "record_history": "history",
    "send_to_attendee": "e-mail rendered (and the rows flushed)",
    "flush": "rows written (flush)",
    "commit": "commit",
    "redirect": "answer (redirect)",
    "save_session": "session cookie written",
    "open_session": "session cookie read",
}


def count_calls(database_url: str, count: int, top: int, part_shown: str | None = None,
                callers_of: str | None = None) -> None:
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="benchmark-" + "x" * 40,
               RATELIMIT_ENABLED="0", MAIL_SERVER="127.0.0.1", MAIL_PORT="9")
    prepare(env, capacity=count // 2 + 50)  # half get a seat, then the waitlist path
    os.environ.update(env)
    from confapp import create_app

    app = create_app()
    client = app.test_client()
    page = client.get("/e/bench/anmelden").get_data(as_text=True)
    token, workshops = CSRF.search(page).group(1), RADIO.findall(page)

    def post(number: int) -> None:
        name, value = workshops[number % len(workshops)]
        response = client.post("/e/bench/anmelden", data={
            "csrf_token": token, "first_name": "Last", "last_name": f"Test {number}",
            "email": f"calls.{number}@example.org", "organisation": "Lasttest e. V.", "sector": "Kita",
            "privacy_consent": "y", name: value})
        assert response.status_code == 302, response.status_code

    for number in range(20):  # warm: statement caches, templates, lazy imports
        post(number)
    parts: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    callers: Counter[str] = Counter()
    stack: list[str] = []

    def profile(frame, event, _arg):
        if event == "call":
            code = frame.f_code
            part = PARTS.get(code.co_name) or (stack[-1] if stack else "Flask, Werkzeug and the rest")
            stack.append(part)
            parts[part] += 1
            if part_shown in (None, part):
                functions[f"{Path(code.co_filename).name}:{code.co_name}"] += 1
            if callers_of == code.co_name:
                caller = frame.f_back.f_code if frame.f_back else code
                callers[f"{Path(caller.co_filename).name}:{caller.co_name}"] += 1
        elif event == "return" and stack:
            stack.pop()

    sys.setprofile(profile)
    for number in range(20, 20 + count):
        post(number)
    sys.setprofile(None)
    total = sum(parts.values())
    print(f"{database_url.split(':')[0]}: {total / count:,.0f} Python calls "
          f"per registration ({count} registrations, half seated, half waitlisted)")
    for part, calls in parts.most_common():
        print(f"  {calls / count:8,.0f}  {part}")
    print(f"  most called functions{f' in {part_shown!r}' if part_shown else ''} (calls per registration):")
    for function, calls in functions.most_common(top):
        print(f"  {calls / count:8,.1f}  {function}")
    if callers_of:
        print(f"  {callers_of} called from (calls per registration):")
        for function, calls in callers.most_common(top):
            print(f"  {calls / count:8,.1f}  {function}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--part", help="list the most called functions of this part only")
    parser.add_argument("--callers", help="list where this function (by name) is called from")
    args = parser.parse_args()
    if args.only == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/calls.sqlite"
    else:
        url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/bench_registration")
    count_calls(url, args.count, args.top, args.part, args.callers)


if __name__ == "__main__":
    main()
