"""`make bench` (pages): gunicorn on PostgreSQL with the demo and a national-scale synthetic load,
20 concurrent logged-in clients per page, each page next to the floor (/ping: a trivial view
behind the same middleware) measured in the same run. Prints a table, writes BENCHMARKS.md,
prints PASS or FAIL per line (p95 at most 3× the floor's) and always exits 0.

Sizes from the environment: BENCH_PROVINCES, BENCH_UNITS, BENCH_MONTHS, BENCH_TASKS (default
34 × 100 × 24 × 5), BENCH_SECONDS per page (default 10), BENCH_CLIENTS (default 20).
`BENCH_SMOKE=1` runs tiny sizes for a few seconds (CI) and writes no BENCHMARKS.md.

The load is driven by Python threads (http.client, keep-alive, one session cookie per client):
it shares the machine's cores with gunicorn, so absolute figures are lower than wrk's; the
ratio to the floor, measured the same way, is what the targets are about.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.bench import surge  # noqa: E402

NOTES = "<!-- notes: kept by make bench -->"
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
SIZES = {
    "provinces": int(os.environ.get("BENCH_PROVINCES", 2 if SMOKE else 34)),
    "units": int(os.environ.get("BENCH_UNITS", 5 if SMOKE else 100)),
    "months": int(os.environ.get("BENCH_MONTHS", 3 if SMOKE else 24)),
    "tasks": int(os.environ.get("BENCH_TASKS", 2 if SMOKE else 5)),
}
SECONDS = float(os.environ.get("BENCH_SECONDS", 1.5 if SMOKE else 10))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 4 if SMOKE else 20))
PAGES = [  # (label, user, path)
    ("floor: trivial view (/ping)", "dn.committee", "/ping"),
    ("dashboard: ranking", "dn.committee", "/dashboard/"),
    ("dashboard: targets", "dn.committee", "/dashboard/targets/"),
    ("dashboard: units", "dn.committee", "/dashboard/units/"),
    ("dashboard: trend", "dn.committee", "/dashboard/trend/"),
    ("dashboard: brief", "dn.committee", "/dashboard/brief/"),
    ("focal board", "dn.reviewer", "{board}"),
    ("report form (GET)", "dn.reporter", "{form}"),
    ("API: ranking (JSON)", "dn.committee", "/api/v1/ranking"),
]


def environment(static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "locmem://",
        "DEFAULT_FROM_EMAIL": "bench@par-portal.local",
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        # the portal's URLs plus the surge's floor view (tests/bench/urls.py)
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
    }


def _run(env, argv: list[str], what: str) -> str:
    done = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{what} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def manage(env, *args) -> str:
    return _run(env, ["manage.py", *args], f"manage.py {' '.join(args)}")


def script(env, name: str, *args: str) -> dict:
    """Run tests/bench/<name>.py on the bench database; its last line is JSON."""
    import json

    out = _run(env, [f"tests/bench/{name}.py", *args], f"{name}.py")
    return json.loads(out.splitlines()[-1])


def peak_rss_mib(pids: list[int]) -> float:
    """The largest peak resident set (VmHWM) among the processes."""
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def drive(port: int, path: str, cookie: str) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    if not latencies:
        return {"n": 0, "rps": 0, "p50": 0, "p95": 0, "errors": errors[0]}
    return {
        "n": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "errors": errors[0],
    }


def celery_worker_peak(env) -> tuple[float, str]:
    """Peak memory (VmHWM) of a real Celery worker process (solo pool: the task runs in the
    process measured) running the nightly job: every province's roll-up of this month and the
    last, then the sweep. Returns the MiB and the worker's log line for the job."""
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "par_portal", "purge", "-f"],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "par_portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    found = "no log line: the job did not finish in 10 minutes"
    try:
        queued = False
        deadline = time.monotonic() + 600
        for line in worker.stdout:
            if not queued and " ready." in line:
                manage(env, "shell", "-c", "from reporting.tasks import nightly; nightly.delay()")
                queued = True
            if "Nightly:" in line:
                found = line.strip().split("] ", 1)[-1]
                break
            if time.monotonic() > deadline:
                break
        peak = peak_rss_mib([worker.pid])
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return peak, found


def surge_line(run: dict, saved: dict, month: str) -> str:
    """The deadline surge next to its floor: throughput (submissions per second) and nothing
    lost (every report posted is saved as submitted, every floor row is written)."""
    n = run["submitted"]
    ours = run["surge"]["answered"] / run["surge"]["seconds"]
    floor = run["floor"]["answered"] / run["floor"]["seconds"]
    share = ours / floor if floor else 0
    lost = n - saved["saved"]
    ok = share >= 0.5 and lost == 0 and not run["surge"]["failed"]
    return (
        f"| deadline surge, {n} units of Đà Nẵng submit {month} ({CLIENTS} clients) | "
        f"{ours:.0f} submits/s ({run['surge']['seconds']:.2f} s) | "
        f"{floor:.0f} inserts/s ({run['floor']['seconds']:.2f} s, {saved['floor_rows']} rows) | "
        f"{share:.0%} of the floor | {saved['saved']}/{n} saved, {lost} lost, "
        f"{len(run['surge']['failed'])} failed | "
        f"{'PASS' if ok else 'FAIL'} (≥ 50 %, 0 lost) |"
    )


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("make bench needs DATABASE_URL on PostgreSQL (the Makefile sets a scratch one)")
        return 0
    static = tempfile.mkdtemp(prefix="bench-static-")
    env = environment(static)
    manage(env, "collectstatic", "--noinput", "-v0", "--skip-checks")
    manage(env, "migrate", "--noinput", "-v0")
    # a scratch database: no cached figure of an earlier run may be served
    manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
    manage(env, "load_par_data")
    manage(env, "load_demo")
    cookies = script(env, "sessions")  # a session per user, the form's and board's addresses
    # Queries per page as Da Nang grows: 1×, 4× and 16× the units and the months
    base_units, base_months = (3, 2) if SMOKE else (5, 3)
    pages = [[label, user, cookies.get(path, path)] for label, user, path in PAGES[1:]]
    scaling = {}
    for factor in (1, 4, 16):
        manage(
            env,
            "generate_load_data",
            "--only=da-nang-2025",
            "--provinces=1",
            f"--units={base_units * factor}",
            f"--months={base_months * factor}",
            "--tasks=2",
        )
        scaling[factor] = script(env, "queries", __import__("json").dumps(pages))
    started = time.monotonic()
    load = manage(
        env,
        "generate_load_data",
        *[f"--{name}={value}" for name, value in SIZES.items()],
    )
    load_seconds = time.monotonic() - started
    manage(env, "rollup_scorecards")
    manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
    port = 8700 + os.getpid() % 200
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "par_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/ping")
                break
            except OSError:
                time.sleep(0.3)
        rows = []
        floor = None
        for label, user, path in PAGES:
            path = cookies.get(path, path)
            drive(port, path, cookies[user])  # warm-up (caches, connections)
            result = drive(port, path, cookies[user])
            if floor is None:
                floor = result
            rows.append((label, result))
        prepared = script(env, "surge", "prepare")
        surge_run = surge.burst(port, prepared, CLIENTS)
        # counted at once: the fan-out below withdraws this month's synthetic reports
        saved = script(env, "surge", "count", str(prepared["period"]))
        web_rss = peak_rss_mib(children(web.pid))
    finally:
        web.terminate()
        web.wait(timeout=30)
    lines = [
        "| page | req/s | p50 ms | p95 ms | p95 vs floor | errors | target (p95 ≤ 3× floor) |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, r in rows:
        ratio = r["p95"] / floor["p95"] if floor["p95"] else 0
        verdict = "—" if r is floor else ("PASS" if ratio <= 3 and not r["errors"] else "FAIL")
        lines.append(
            f"| {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {ratio:.1f}× "
            f"| {r['errors']} | {verdict} |"
        )
    rollup = script(env, "rollup", "1" if SMOKE else "3")
    import resource

    fanout = script(env, "fanout")
    jobs_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    worker_rss, worker_log = celery_worker_peak(env)
    lines += ["", "| queries per page (cold / warm cache) | 1× | 4× | 16× | target (flat) |"]
    lines.append("|---|---|---|---|---|")
    for label, _user, _path in PAGES[1:]:
        counts = [scaling[f][label] for f in (1, 4, 16)]
        flat = all(c == counts[0] for c in counts)
        cells = " | ".join(f"{cold} / {warm}" for cold, warm in counts)
        lines.append(f"| {label} | {cells} | {'PASS' if flat else 'FAIL'} |")
    ratio = rollup["rollup_s"] / rollup["floor_s"] if rollup["floor_s"] else 0
    fan = fanout["run_s"] / fanout["floor_s"] if fanout["floor_s"] else 0
    lines += [
        "",
        "| job | ours | floor | ratio | check | target |",
        "|---|---|---|---|---|---|",
        f"| roll-up, {rollup['periods']} provinces, {rollup['month']} | "
        f"{rollup['rollup_s']:.2f} s | {rollup['floor_s']:.2f} s (one SQL query) | {ratio:.1f}× | "
        f"{rollup['rows'] - rollup['differ']}/{rollup['rows']} field rows equal | "
        f"{'PASS' if ratio <= 1.5 and not rollup['differ'] else 'FAIL'} (≤ 1.5×, equal) |",
        f"| reminder fan-out, {fanout['messages']} e-mails to a local SMTP sink | "
        f"{fanout['run_s']:.2f} s | {fanout['floor_s']:.2f} s (bare smtplib loop) | {fan:.1f}× | "
        f"{fanout['received']} received, {fanout['replayed']} replayed | "
        f"{'PASS' if fan <= 2 and fanout['received'] == fanout['messages'] else 'FAIL'} (≤ 2×) |",
        surge_line(surge_run, saved, prepared["month"]),
        "",
        f"Peak memory: web worker {web_rss:.0f} MiB (gunicorn, largest VmHWM after the page "
        f"runs); Celery worker {worker_rss:.0f} MiB (a real worker, solo pool, VmHWM after the "
        f"nightly job: {worker_log}); bench job processes {jobs_rss:.0f} MiB (largest peak RSS "
        "of the roll-up and fan-out scripts).",
    ]
    sizes = ", ".join(f"{k} {v}" for k, v in SIZES.items())
    header = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.platform()}), Python {platform.python_version()}.",
        f"Sizes: {sizes} ({load}; generated in {load_seconds:.0f}s).",
        f"{CLIENTS} concurrent clients for {SECONDS:.0f}s per page, gunicorn 3 sync workers, "
        "DEBUG off, PostgreSQL, Redis cache.",
        "Reproduce: `make bench` (sizes: BENCH_PROVINCES, BENCH_UNITS, BENCH_MONTHS, BENCH_TASKS).",
    ]
    print("\n".join(header + [""] + lines))
    if not SMOKE:
        target = ROOT / "BENCHMARKS.md"
        # what follows the marker (notes and profiles, written by hand) is kept
        notes = target.read_text().partition(NOTES)[2] if target.exists() else "\n"
        target.write_text(
            "# Benchmarks\n\n## Pages under load\n\n"
            + "\n".join(header)
            + "\n\n"
            + "\n".join(lines)
            + "\n\n"
            + NOTES
            + notes
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
