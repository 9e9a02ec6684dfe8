"""Lighthouse scores of the home page, the case-study list and a case-study detail page.

    .venv/bin/python scripts/lighthouse.py [--runs N] [--cases N]

Serves the portal as scripts/bench.py does (gunicorn, devtools.bench_settings, the benchmark
database from BENCH_DATABASE_URL, topped up to --cases case studies by devtools'
`generate_volume`) and runs Lighthouse 12 (node_modules, `make node-tools`) in the system
Chromium, headless, with its default mobile emulation and simulated slow 4G. Prints the four
category scores per page, the median and the lowest of --runs runs, and every audit that kept a
category below 100 in some run. Full reports go to var/lighthouse/.

Lighthouse expects a machine at least as fast as its BenchmarkIndex of 1000 (printed per run);
below that its 4x CPU slowdown overstates Total Blocking Time. Chromium also needs a CJK font
(Debian's fonts-noto-cjk, which `make lighthouse` installs): without one it searches every font
for the glyphs of the 中文 language link, and that time counts as blocking.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402

sys.path.insert(0, str(bench.ROOT))
from devtools.chromium import CHROMIUM_ARGS, find_chromium  # noqa: E402
from devtools.node_tools import NodeToolMissing, node_tool  # noqa: E402

ROOT = bench.ROOT
LIGHTHOUSE = ".bin/lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS, "--disable-dev-shm-usage"]


def run_lighthouse(lighthouse, url, output, chromium, attempts=3):
    """One Lighthouse report. Headless Chromium now and then loses the trace of a load
    (NO_NAVSTART); such a run is repeated, up to `attempts` times."""
    command = [
        str(lighthouse),
        url,
        f"--chrome-path={chromium}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]
    for attempt in range(1, attempts + 1):
        finished = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603
        if finished.returncode == 0:
            return json.loads(Path(output).read_text())
        print(f"Lighthouse failed on {url} (attempt {attempt} of {attempts})", file=sys.stderr)
    sys.exit(f"Lighthouse could not measure {url}")


def shortfalls(result):
    """(category, audit title, score) for every scored audit that did not pass."""
    found = []
    for category_id, category in result["categories"].items():
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                found.append((category_id, audit["title"], audit["score"]))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", "1000")))
    args = parser.parse_args()

    try:
        lighthouse = node_tool(LIGHTHOUSE)
    except NodeToolMissing as missing:
        sys.exit(str(missing))
    chromium = find_chromium()
    if chromium is None:
        sys.exit("Chromium not found: install Debian's chromium package.")
    bench.configure_environment()
    database = os.environ["DATABASE_URL"]
    if database.startswith(("postgres://", "postgresql://")):
        bench.ensure_postgresql_database(database)

    import django

    django.setup()
    bench.prepare_database(args.cases)
    chosen = bench.choose_pages()
    pages = {name: chosen[name] for name in ("home", "list", "detail")}

    reports = ROOT / "var" / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)
    server = bench.start_gunicorn(args.port)
    scores = {}
    problems = {}
    try:
        for name, path in pages.items():
            url = f"http://127.0.0.1:{args.port}{path}"
            for run in range(args.runs):
                result = run_lighthouse(
                    lighthouse, url, reports / f"{name}-{run + 1}.json", chromium
                )
                run_scores = {
                    category: round((result["categories"][category]["score"] or 0) * 100)
                    for category in CATEGORIES
                }
                run_scores["benchmark"] = round(result["environment"]["benchmarkIndex"])
                scores.setdefault(name, []).append(run_scores)
                problems.setdefault(name, set()).update(shortfalls(result))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print()
    print(f"Lighthouse {result['lighthouseVersion']}, {result['environment']['hostUserAgent']}")
    print(f"Mobile emulation, simulated throttling; median / lowest of {args.runs} runs.")
    print()
    print(f"{'page':<8} " + " ".join(f"{category:>15}" for category in CATEGORIES) + "  benchmark")
    for name, runs in scores.items():
        cells = []
        for category in CATEGORIES:
            values = [run[category] for run in runs]
            cells.append(f"{statistics.median(values):>9g} / {min(values):>3}")
        indexes = ", ".join(str(run["benchmark"]) for run in runs)
        print(f"{name:<8} " + " ".join(cells) + f"  {indexes}")
    for name, found in problems.items():
        for category, title, score in sorted(found):
            print(f"  {name}: {category}: {title} (score {score})")
    print()
    for name, path in pages.items():
        print(f"  {name:<8} {path}")
    print(f"Reports: {reports.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
