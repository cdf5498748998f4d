package dev.seda.benchmarks.http;

import dev.seda.benchmarks.http.HttpBench.Measured;
import dev.seda.benchmarks.http.ServerProcess.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Overload (issue 6): capacity is made known with the deliberately expensive {@code /dynamic/}
 * pages (SHA-256 rounds calibrated to {@code --page-ms}, 2 ms, on this machine), measured first with
 * a closed loop; then {@code --clients} (64) open-loop clients offer 0.5x to 4x the best server's
 * capacity, each point on a fresh server after a short JIT warm-up. Per point: offered rate,
 * goodput and its share of the server's peak, admitted (2xx) latency percentiles against the
 * response-time target, 503s and their latency, other errors, and Jain's index over the clients'
 * 2xx counts.
 *
 * <pre>
 * taskset -c 1 java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.http.Overload \
 *     [--levels 0.5,1,2,3,4] [--clients 64] [--target-ms 200] [--page-ms 2 | --rounds R] [--warmup 2] [--seconds 6]
 *     [--drain 2] [--servers haboob,jdk,netty]
 * </pre>
 */
public final class Overload {
    private Overload() {
    }

    public static void main(String[] args) throws Exception {
        try (HttpBench bench = new HttpBench(args, "haboob,jdk,netty", true)) {
            List<Double> levels = bench.doubles("levels", "0.5,1,2,3,4");
            int clients = bench.opts.integer("clients", 64);
            double targetMs = bench.seconds("target-ms", 200);
            Duration warmup = bench.duration("warmup", 2);
            Duration seconds = bench.duration("seconds", 6);
            Duration drain = bench.duration("drain", 2);
            StringBuilder out = new StringBuilder();
            HttpBench.write(out, HttpBench.header("Overload (issue 6)") + "\n");
            HttpBench.write(out, bench.machine());
            HttpBench.write(out, String.format("- open loop, %d keep-alive clients at a constant rate each, latency from the "
                            + "intended send time; per point a fresh server, 3 s JIT warm-up (closed loop), then warm-up "
                            + "%.0f s, measured %.0f s, answers awaited %.0f s more; response-time target %.0f ms%n%n",
                    clients, warmup.toMillis() / 1e3, seconds.toMillis() / 1e3, drain.toMillis() / 1e3, targetMs));

            Map<Kind, Double> capacity = bench.capacities(out, clients, Duration.ofSeconds(2), Duration.ofSeconds(4));
            double reference = Collections.max(capacity.values());
            HttpBench.write(out, String.format("%nLoad levels are multiples of the best capacity, %s pages/s.%n%n",
                    HttpBench.num(reference)));

            Map<Kind, Map<Double, HttpLoad.Result>> results = new LinkedHashMap<>();
            for (Kind k : bench.servers) {
                results.put(k, new LinkedHashMap<>());
            }
            HttpBench.write(out, "| load | server | offered/s | goodput/s | admitted p50 ms | p90 | p99 | max | "
                    + "p99 <= target | 503s (% of offered) | 503 p50 ms | 503 p99 ms | with Retry-After | errors | "
                    + "closes | Jain |\n|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|\n");
            List<Kind> order = new ArrayList<>(bench.servers);
            for (double level : levels) {
                double perClient = level * reference / clients;
                for (Kind k : order) {
                    try (ServerProcess server = bench.start(k)) {
                        bench.warmUp(server, HttpBench.DYNAMIC, 8, 3);
                        HttpLoad.Plan plan = HttpLoad.plan(server.address(), HttpBench.DYNAMIC, clients)
                                .withTimes(warmup, seconds, drain)
                                .withSelectorThreads(bench.selectorThreads)
                                .withOpen(clients, perClient);
                        Measured m = HttpBench.measure(server, plan);
                        HttpLoad.Result r = m.result();
                        results.get(k).put(level, r);
                        long rejects = r.rejected().getTotalCount();
                        HttpBench.write(out, String.format("| %.1fx | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s |%n",
                                level, k.label, HttpBench.num(r.offeredRate()), HttpBench.num(r.goodput()),
                                HttpBench.ms(p(r, 50)), HttpBench.ms(p(r, 90)), HttpBench.ms(p(r, 99)),
                                HttpBench.ms(r.ok().getTotalCount() == 0 ? Double.NaN : r.ok().getMaxValue()),
                                r.ok().getTotalCount() == 0 ? "-" : p(r, 99) <= targetMs * 1000 ? "yes" : "**no**",
                                rejects + String.format(" (%.0f%%)", 100.0 * rejects / Math.max(1, r.offered())),
                                HttpBench.ms(rejects == 0 ? Double.NaN : r.rejected().getValueAtPercentile(50)),
                                HttpBench.ms(rejects == 0 ? Double.NaN : r.rejected().getValueAtPercentile(99)),
                                rejects == 0 ? "-" : String.format("%.0f%%", 100.0 * r.rejectedWithRetryAfter() / rejects),
                                HttpBench.errors(r), r.closes(), HttpBench.f3(r.fairness())));
                    }
                }
                Collections.reverse(order);
            }

            double top = Collections.max(levels);
            HttpBench.write(out, String.format("%nAt %.1fx, against the targets of issue 6 (peak: the server's best goodput in "
                    + "this run, closed loop included):%n%n", top));
            HttpBench.write(out, "| server | peak/s | goodput / peak (>= 0.9) | admitted p99 ms (< " + (long) targetMs
                    + ") | 503 p99 ms (< 10) | Jain (>= 0.99) |\n|---|---:|---:|---:|---:|---:|\n");
            for (Kind k : bench.servers) {
                double peak = capacity.get(k);
                for (HttpLoad.Result r : results.get(k).values()) {
                    peak = Math.max(peak, r.goodput());
                }
                HttpLoad.Result r = results.get(k).get(top);
                double share = r.goodput() / peak;
                double p99 = p(r, 99);
                long rejects = r.rejected().getTotalCount();
                double rp99 = rejects == 0 ? Double.NaN : r.rejected().getValueAtPercentile(99);
                HttpBench.write(out, String.format("| %s | %s | %s %s | %s %s | %s %s | %s %s |%n", k.label,
                        HttpBench.num(peak), HttpBench.f2(share), verdict(share >= 0.9),
                        HttpBench.ms(p99), verdict(!Double.isNaN(p99) && p99 < targetMs * 1000),
                        HttpBench.ms(rp99), rejects == 0 ? "(none)" : verdict(rp99 < 10_000),
                        HttpBench.f3(r.fairness()), verdict(r.fairness() >= 0.99)));
            }
            HttpBench.write(out, String.format("%n(load average at the end: %s)%n", HttpBench.loadAverage()));
        }
    }

    private static double p(HttpLoad.Result r, double percentile) {
        return r.ok().getTotalCount() == 0 ? Double.NaN : r.ok().getValueAtPercentile(percentile);
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }
}
