#!/usr/bin/env python3
"""Turns a JMH JSON result (-rf json) of HandoffBenchmark and RingBenchmark into the Markdown tables
of BENCHMARKS.md, with each seda figure as a ratio of its baselines on the same run.

Usage: python3 benchmarks/report.py results.json
"""
import json
import sys


def main(path):
    with open(path) as f:
        runs = json.load(f)
    handoff = {}  # (method, impl) -> (score, error)
    ring = {}     # (stages, events, impl) -> (hops/s, error)
    for r in runs:
        name = r["benchmark"].rsplit(".", 2)
        cls, method = name[-2], name[-1]
        p = r.get("params", {})
        if cls == "HandoffBenchmark":
            m = r["primaryMetric"]
            handoff[(method, p["impl"])] = (m["score"], m["scoreError"])
        elif cls == "RingBenchmark":
            m = r["secondaryMetrics"]["hops"]
            ring[(int(p["stages"]), int(p["events"]), p["impl"])] = (m["score"], m["scoreError"])

    def err(e):
        e = float(e)  # JMH writes "NaN" when there was a single iteration
        return "n/a" if e != e else ("%.2f" % (e / 1e6))

    if handoff:
        print("### Handoff throughput (million events/s, higher is better)\n")
        print("| producers | seda-queue | seda-stage (today's Stage) | ArrayBlockingQueue | Disruptor | seda-queue / ABQ (target >= 3) | seda-queue / Disruptor (target >= 0.5) |")
        print("|---|---|---|---|---|---|---|")
        for method, label in (("oneProducer", "1"), ("twoProducers", "2")):
            row = {impl: handoff.get((method, impl)) for impl in ("seda-queue", "seda-stage", "abq", "disruptor")}
            if not row["seda-queue"]:
                continue
            cells = []
            for impl in ("seda-queue", "seda-stage", "abq", "disruptor"):
                v = row[impl]
                cells.append("%.1f ± %s" % (v[0] / 1e6, err(v[1])) if v else "-")
            s = row["seda-queue"][0]
            r_abq = s / row["abq"][0] if row["abq"] else float("nan")
            r_d = s / row["disruptor"][0] if row["disruptor"] else float("nan")
            print("| %s | %s | %.2fx %s | %.2fx %s |" % (label, " | ".join(cells),
                  r_abq, "met" if r_abq >= 3 else "**missed**", r_d, "met" if r_d >= 0.5 else "**missed**"))
        print()

    if ring:
        print("### Ring of k stages, one event going round (ns per hop, lower is better)\n")
        print("| k | seda ns/hop (hops/s ± error) | LinkedTransferQueue ns/hop (hops/s ± error) | seda / LTQ time (target <= 1) |")
        print("|---|---|---|---|")
        for k in sorted({k for (k, e, _) in ring if e == 1}):
            s, l = ring.get((k, 1, "seda")), ring.get((k, 1, "ltq"))
            if not s or not l:
                continue
            ns_s, ns_l = 1e9 / s[0], 1e9 / l[0]
            ratio = ns_s / ns_l
            print("| %d | %.0f (%.0fk ± %.0fk) | %.0f (%.0fk ± %.0fk) | %.2fx %s |" % (
                k, ns_s, s[0] / 1e3, float(s[1]) / 1e3, ns_l, l[0] / 1e3, float(l[1]) / 1e3,
                ratio, "met" if ratio <= 1 else "**missed**"))
        print()
        many = sorted({e for (_, e, _) in ring if e > 1})
        for e in many:
            print("### Ring of k stages, %d events in flight (million hops/s, higher is better)\n" % e)
            print("| k | seda | LinkedTransferQueue | seda / LTQ (target >= 1) |")
            print("|---|---|---|---|")
            for k in sorted({k for (k, ev, _) in ring if ev == e}):
                s, l = ring.get((k, e, "seda")), ring.get((k, e, "ltq"))
                if not s or not l:
                    continue
                ratio = s[0] / l[0]
                print("| %d | %.2f ± %s | %.2f ± %s | %.2fx %s |" % (k, s[0] / 1e6, err(s[1]), l[0] / 1e6, err(l[1]),
                      ratio, "met" if ratio >= 1 else "**missed**"))
            print()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
