"""Answer throughput of 2 `cxbot serve` replicas vs 1, sharing one `chroma run` server and PostgreSQL.

Starts the production topology from real processes on loopback (see tests/e2e/topology.py), indexes
the shared corpus once, then drives closed-loop clients against the replicas' Teams edge
(`POST /api/messages` with expectReplies: one request = one full answer, no LLM) for a fixed time.

    .venv/bin/python bench/scaleout_throughput.py [--seconds 40] [--clients-per-replica 4]
        [--embed-threads 1] [--pin] [--repeat 1]

Target: 2 replicas >= 1.7x the answers/s of 1. Needs PostgreSQL on 127.0.0.1:5432.
Note: on a 2-core machine the Chroma server and the load generator share the cores with the replicas;
the CPU lines say how much of the machine each part used, and how much went to other processes.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # testkit
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))

from topology import (
    ROOT,
    Chroma,
    Connector,
    Replica,
    activity,
    create_database,
    cxbot_env,
    drop_database,
    http,
    ingest,
)

CORPUS = ROOT.parent / "shared" / "corpus"
QUESTIONS = [
    "How fast must we acknowledge a customer complaint?",
    "What is a customer health score and how is it calculated?",
    "How do we hand over an account before renewal?",
    "What should a technical advisor do in the first week with a new enterprise customer?",
    "How do we reduce churn risk for accounts with low product usage?",
    "Welche Trends gibt es in der Kundenerfahrung?",
    "What belongs in a quarterly business review?",
    "How do we escalate a critical support ticket?",
    "Wie messen wir Kundenzufriedenheit?",
    "When does digital success reach out to a customer?",
]


# One numbering for every request of the whole run, warm-ups included: each question text is asked
# once, so a replica's in-memory query-embedding cache never answers for a later run.
REQUEST_NO = itertools.count()


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def self_cpu() -> float:
    t = os.times()
    return t.user + t.system


def postgres_cpu() -> float:
    """CPU time of every PostgreSQL process (the shared database is part of the topology)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" ", 2)[1] == "(postgres)":
                total += cpu_seconds(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            pass  # exited meanwhile
    return total


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores; Linux /proc/stat, idle and iowait excluded)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def load(replicas: list[Replica], connector: Connector, seconds: float, per_replica: int) -> tuple[int, list[float]]:
    """Closed-loop clients, `per_replica` per replica; answered count and latencies (s)."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def client(replica: Replica, worker: int) -> None:
        while time.monotonic() < stop:
            n = next(REQUEST_NO)
            text = f"{QUESTIONS[n % len(QUESTIONS)]} (ref {n})"  # distinct text: no cache helps
            started = time.monotonic()
            status, body = http("POST", f"{replica.url}/api/messages",
                                activity(connector.url, text, user=f"29:bench-{worker}-{n}",  # many users:
                                         conversation=f"a:bench-{worker}-{n}", expect_replies=True), timeout=60)
            took = time.monotonic() - started
            with lock:
                if status == 200 and any(a.get("attachments") for a in (body or {}).get("activities", [])):
                    latencies.append(took)
                else:
                    errors.append(f"{status}")

    threads = [threading.Thread(target=client, args=(r, i * 100 + j)) for i, r in enumerate(replicas)
               for j in range(per_replica)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  {len(errors)} failed requests: {sorted(set(errors))}")
    return len(latencies), latencies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=40.0, help="measured seconds per run")
    ap.add_argument("--clients-per-replica", type=int, default=4,
                    help="closed-loop clients per replica (the same for 1 and 2 replicas)")
    ap.add_argument("--embed-threads", "--threads", dest="threads", type=int, default=1,
                    help="CXBOT_EMBED_THREADS of every replica (1 = a replica sized to one CPU)")
    ap.add_argument("--pin", action="store_true",
                    help="pin replica N to core N with taskset (like a 1-CPU limit per replica); Chroma and "
                         "clients float")
    ap.add_argument("--repeat", type=int, default=1,
                    help="measure 1 and 2 replicas this many times (alternating; one ingest, replicas stay up)")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores, load average {os.getloadavg()[0]:.1f} before the run")
    print(f"config: {args.seconds:g} s per run after a 5 s warm-up, {args.clients_per_replica} closed-loop "
          f"clients per replica, {len(QUESTIONS)} questions (each text made distinct), "
          f"CXBOT_EMBED_THREADS={args.threads}, pinned={'replica N -> core N' if args.pin else 'no'}, "
          f"{args.repeat} round(s)")

    with tempfile.TemporaryDirectory(prefix="cxbot-scaleout-") as tmpdir:
        tmp = Path(tmpdir)
        chroma = Chroma(tmp / "chroma", tmp / "chroma.log")
        chroma.start_and_wait()
        connector = Connector()
        connector.start()
        url = create_database("cxbot_bench")
        replicas: list[Replica] = []
        try:
            env = {name: cxbot_env(tmp / name, chroma.url, url, CXBOT_LOG_JSON="true", LOG_LEVEL="WARNING",
                                   CXBOT_EMBED_THREADS=str(args.threads))
                   for name in ("a", "b")}
            started = time.monotonic()
            summary = ingest(env["a"], tmp, [CORPUS / "trends", CORPUS / "playbooks"])
            print(f"indexed {summary['chunks']} chunks in {time.monotonic() - started:.0f} s")
            rates: dict[int, list[float]] = {1: [], 2: []}
            for round_no in range(1, args.repeat + 1):
                for n in (1, 2):
                    while len(replicas) < n:
                        name = "ab"[len(replicas)]
                        replica = Replica(f"replica-{name}", env[name], tmp / f"{name}.log")
                        if args.pin:
                            replica.argv = ["taskset", "-c", str(len(replicas) % cores), *replica.argv]
                        replica.start()
                        replica.wait_healthy()
                        replicas.append(replica)
                    active = replicas[:n]
                    load(active, connector, 5, 1)  # warm-up: models loaded, keyword index built
                    procs = [r.proc.pid if r.proc else None for r in replicas]
                    chroma_pid = chroma.proc.pid if chroma.proc else None
                    load0 = os.getloadavg()[0]
                    cpu0 = ([cpu_seconds(p) for p in procs], cpu_seconds(chroma_pid), self_cpu(), machine_busy(),
                            postgres_cpu())
                    answered, lat = load(active, connector, args.seconds, args.clients_per_replica)
                    used = ([cpu_seconds(p) - c for p, c in zip(procs, cpu0[0], strict=True)],
                            cpu_seconds(chroma_pid) - cpu0[1], self_cpu() - cpu0[2], machine_busy() - cpu0[3],
                            postgres_cpu() - cpu0[4])
                    rate = answered / args.seconds
                    p50 = statistics.median(lat) * 1000 if lat else float("nan")
                    p95 = statistics.quantiles(lat, n=20)[18] * 1000 if len(lat) >= 20 else float("nan")
                    rates[n].append(rate)
                    replica_cpu = sum(used[0][:n])
                    ours = sum(used[0]) + used[1] + used[2] + used[4]
                    print(f"round {round_no}, {n} replica(s): {answered} answers in {args.seconds:g} s = "
                          f"{rate:.2f}/s (p50 {p50:.0f} ms, p95 {p95:.0f} ms)")
                    idle = f", idle replica-b {used[0][1] / args.seconds:.2f}" if len(used[0]) > n else ""
                    print(f"  CPU (cores): replicas {replica_cpu / args.seconds:.2f} "
                          f"({', '.join(f'{u / args.seconds:.2f}' for u in used[0][:n])}){idle}, "
                          f"chroma {used[1] / args.seconds:.2f}, postgres {used[4] / args.seconds:.2f}, "
                          f"clients {used[2] / args.seconds:.2f}; "
                          f"machine busy {used[3] / args.seconds:.2f} of {cores}, other processes and kernel "
                          f"{max(used[3] - ours, 0.0) / args.seconds:.2f}; load average {load0:.1f} -> "
                          f"{os.getloadavg()[0]:.1f}; {1000 * replica_cpu / max(answered, 1):.1f} "
                          f"replica-CPU-ms per answer")
                if args.repeat > 1:
                    print(f"  round {round_no} scale-out factor: {rates[2][-1] / rates[1][-1]:.2f}x")
            one, two = statistics.median(rates[1]), statistics.median(rates[2])
            print(f"scale-out factor 2 vs 1: {two / one:.2f}x (median {one:.2f} -> {two:.2f} answers/s over "
                  f"{args.repeat} round(s); target >= 1.7x)")
        finally:
            for replica in replicas:
                replica.stop(15)
            chroma.stop(10)
            connector.stop()
            drop_database(url)

if __name__ == "__main__":
    main()
