"""`make cluster-capacity`: what one web node of the cluster serves, and two behind HAProxy,
measured with wrk on the signed-in lesson page and an instructor's cohort dashboard (the
README's "Deploying at scale" quotes it). On this 2-core machine both nodes share the same
cores, so the pair shows the balancer's cost more than its gain."""

import json
import os
import subprocess
import sys

from tests.cluster.browser import Browser
from tests.cluster.cluster import Cluster
from tests.cluster.processes import ROOT
from tests.cluster.seed import PASSWORD

SECONDS = os.environ.get("CAPACITY_SECONDS", "10")
CONNECTIONS = os.environ.get("CAPACITY_CONNECTIONS", "8")


def wrk(base: str, path: str, browser: Browser) -> dict:
    cookies = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
    output = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "5s",
         "-s", "tests/bench/request.lua", base],
        cwd=ROOT,
        env={**os.environ, "BENCH_METHOD": "GET", "BENCH_PATH": path, "BENCH_BODY": "",
             "BENCH_COOKIE": cookies, "BENCH_CSRF": browser.cookie("csrftoken") or "",
             "BENCH_HTMX": "", "BENCH_BODIES": ""},
        check=True,
        capture_output=True,
        text=True,
    ).stdout  # fmt: skip
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    return result


def main() -> int:
    cluster = Cluster(web_nodes=2, workers=0, groups=1, learners_per_group=60)
    try:
        cluster.start()
        learner, teacher = Browser(cluster.url), Browser(cluster.url)
        assert learner.log_in("remind0", PASSWORD) == 302
        assert teacher.log_in("teacher0", PASSWORD) == 302
        teacher.forget("primary_until")
        [group] = cluster.group_ids
        pages = [
            ("lesson page (signed in)", "/lessons/kubernetes-overview/", learner),
            ("cohort dashboard (replica)", f"/groups/{group}/dashboard/", teacher),
        ]
        results = {}
        for name, path, browser in pages:
            for where, base in (
                ("one web node", cluster.nodes[0].url),
                ("HAProxy, two", cluster.url),
            ):
                r = results[f"{name}, {where}"] = wrk(base, path, browser)
                print(f"{name + ', ' + where:48} {r['rps']:7.1f} req/s  p95 {r['p95_ms']:7.1f} ms  "
                      f"errors {r['status_errors'] + r['socket_errors']}", flush=True)  # fmt: skip
        out = ROOT / "bench-results"
        out.mkdir(exist_ok=True)
        (out / "capacity.json").write_text(json.dumps(results, indent=2))
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
