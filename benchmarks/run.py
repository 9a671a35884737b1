"""`make bench`: every target of issue 14 beside the baseline measured in the same run.

Starts its own PostgreSQL (kept under var/bench/pg with the generated street, which later runs
reuse), measures the baselines (raw commits with 1 and 16 clients, COPY, read-and-decode, the
empty endpoint under 32 connections), then each target, and prints one table: target, figure,
baseline, ratio, pass/fail. Writes the figures to var/bench/results.json and a chart of latency
against load to var/bench/latency.svg (with the `bench` extra's matplotlib).

A target measured elsewhere plugs in through HOOKS: a module-level function
`measure(bench: Bench) -> list[Figure]`; until it exists the table says "not measured yet".

Run: .venv/bin/python -m benchmarks.run [--residents 1000000]  (or BENCH_RESIDENTS=… make bench)
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import baselines, bench_reads
from benchmarks.generate import BENCH_DIR, Generated, Spec, generated
from benchmarks.http_load import Load, serving
from tests.pgserver import PostgresServer, start_postgres

# (target, module, function): measured by other parts of the work when they exist.
HOOKS = (
    ("P1", "benchmarks.bench_http_writes", "measure"),
    ("P1", "benchmarks.bench_commands", "measure_history"),
    ("P2", "benchmarks.bench_http_redeem", "measure"),
    ("P3", "benchmarks.bench_projection", "measure_rebuild"),
    ("P4", "benchmarks.bench_projection", "measure_import"),
    ("lag", "benchmarks.bench_http_writes", "measure_lag"),
)


@dataclass
class Figure:
    """One line of the table; `passed` is None when nothing was measured."""

    target: str
    figure: str
    value: float | None = None
    unit: str = ""
    baseline: str = ""
    baseline_value: float | None = None
    ratio: float | None = None
    passed: bool | None = None
    note: str = ""


@dataclass
class Bench:
    """What a target's measurement gets: the server, the generated street, the baselines."""

    server: PostgresServer
    data: Generated
    baselines: dict[str, float] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)


def at_least(target: str, name: str, value: float, unit: str, base: str, of: float, need: float
             ) -> Figure:  # fmt: skip
    ratio = value / of if of else math.nan
    return Figure(target, name, value, unit, base, of, ratio, ratio >= need, f"need ≥ {need}×")


def at_most(target: str, name: str, value: float, limit: float) -> Figure:
    return Figure(target, name, value, "ms", "", None, None, value <= limit, f"need ≤ {limit} ms")


def measure_baselines(bench: Bench, base: str) -> None:
    url = bench.server.create_database(f"baselines_{os.getpid()}")
    b = bench.baselines
    b["raw commits/s, 1 client"] = baselines.raw_commits(url, 1)
    b["raw commits/s, 16 clients"] = baselines.raw_commits(url, 16)
    b["COPY rows/s"] = baselines.copy_rows(url)
    b["read+decode events/s"] = baselines.read_decode(bench.data.url)
    empty = baselines.empty_endpoint(base)
    b["empty endpoint req/s, 32 conn"] = empty.rate
    b["empty endpoint p99 ms, 32 conn"] = empty.percentile(99)
    bench.server.drop_database(f"baselines_{os.getpid()}")


def measure_reads(bench: Bench, base: str) -> dict[int, Load]:
    """P5: one client's p99 per read, and reads under 32 connections against the empty one."""
    paths = bench_reads.read_paths(bench.data)
    single = bench_reads.single_client(base, bench.data.token, paths)
    limits = {"balance": 5.0, "statement": 20.0, "ranking": 20.0}
    for name, figures in single.items():
        f = at_most("P5", f"{name} p99, 1 client", figures.percentile(99), limits[name])
        f.note += f" (p50 {figures.percentile(50):.2f}, p95 {figures.percentile(95):.2f})"
        bench.figures.append(f)
    loads = bench_reads.under_load(base, bench.data.token, paths)
    empty = bench.baselines["empty endpoint req/s, 32 conn"]
    bench.figures.append(
        at_least(
            "P5", "reads req/s, 32 conn", loads[32].rate, "req/s", "empty endpoint", empty, 0.5
        )
    )
    compared = bench_reads.ranking_before_after(bench.data)
    for when, figures in compared.items():
        bench.figures.append(
            Figure("P5", f"ranking page query p99, {when}", figures.percentile(99), "ms",
                   note=f"in-process, random depth (p50 {figures.percentile(50):.2f})")
        )  # fmt: skip
    return loads


def run_hooks(bench: Bench) -> None:
    """Each target's hook in turn (BENCH_TARGETS=P1,P2 for some only: P3 rebuilds the whole
    street, half an hour at 10M events); each figure is printed as soon as it is measured."""
    wanted = set(filter(None, os.environ.get("BENCH_TARGETS", "").split(",")))
    for target, module_name, function in HOOKS:
        if wanted and target not in wanted:
            continue
        try:
            measure = getattr(importlib.import_module(module_name), function)
        except (ImportError, AttributeError):
            bench.figures.append(
                Figure(target, "not measured yet", note=f"{module_name}.{function}")
            )
            continue
        figures = measure(bench)
        bench.figures.extend(figures)
        for f in figures:
            print(f"measured {f.target} {f.figure}: {f.value} {f.unit} ({f.note})", flush=True)


def table(bench: Bench) -> str:
    def num(value: float | None) -> str:
        return "" if value is None or math.isnan(value) else f"{value:,.2f}"

    lines = [f"{'target':<6} {'figure':<34} {'value':>14} {'baseline':>28} {'ratio':>7} result"]
    for f in bench.figures:
        result = {True: "PASS", False: "FAIL", None: "-"}[f.passed]
        base = f"{f.baseline} {num(f.baseline_value)}".strip()
        lines.append(
            f"{f.target:<6} {f.figure:<34} {num(f.value):>10} {f.unit:<3} {base:>28} "
            f"{num(f.ratio):>7} {result} {f.note}"
        )
    lines.append("baselines: " + "; ".join(f"{k} {v:,.0f}" for k, v in bench.baselines.items()))
    return "\n".join(lines)


def chart(loads: dict[int, Load], path: Path) -> str:
    try:
        plt: Any = importlib.import_module("matplotlib.pyplot")
    except ImportError:
        return "no chart: install the bench extra (pip install -e '.[bench]')"
    importlib.import_module("matplotlib").use("svg")
    x = sorted(loads)
    fig, ax = plt.subplots(figsize=(6, 4))
    for p in (50, 95, 99):
        ax.plot(x, [loads[n].percentile(p) for n in x], marker="o", label=f"p{p}")
    ax.set(xlabel="connections", ylabel="latency (ms)", title="reads (balance, statement, ranking)")
    ax.set_xscale("log", base=2)
    ax.legend()
    fig.savefig(path)
    return f"chart: {path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--residents", type=int, default=int(os.environ.get("BENCH_RESIDENTS", 1_000_000))
    )
    args = parser.parse_args()
    server = start_postgres(keep_in=BENCH_DIR / "pg")
    try:
        data = generated(server, Spec(args.residents))
        bench = Bench(server, data)
        verb = "reused" if data.reused else f"built in {data.seconds:.0f} s"
        print(f"street: {data.residents:,} residents, {data.events:,} events ({verb})")
        with serving(bench_reads.server_env(data)) as base:
            measure_baselines(bench, base)
            loads = measure_reads(bench, base)
        run_hooks(bench)
    finally:
        server.stop()
    print(table(bench))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results = {
        "street": {**asdict(data), "token": None},
        "baselines": bench.baselines,
        "figures": [asdict(f) for f in bench.figures],
        "latency_by_connections": {
            n: {f"p{p}": load.percentile(p) for p in (50, 95, 99)} | {"rate": load.rate}
            for n, load in loads.items()
        },
    }
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2))
    print(f"figures: {BENCH_DIR / 'results.json'}; " + chart(loads, BENCH_DIR / "latency.svg"))


if __name__ == "__main__":
    main()
