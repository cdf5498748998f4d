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
 * Overload (issue 6). Capacity is made known with the deliberately expensive {@code /dynamic/} pages:
 * their SHA-256 rounds are set for {@code --page-ms} (2 ms) of CPU as measured in this JVM, which
 * makes the nominal capacity of one core 1000 / page-ms pages/s ({@code --capacity N} overrides it).
 * {@code --clients} (64) open-loop clients offer 0.5x to 4x the nominal capacity. Each server is
 * started once and ramped at half the capacity for {@code --ramp} (30) s (JIT compilation, and time
 * for an admission controller to find its rate from a cold start); the levels follow in increasing
 * order, as load grows on a real server, each on fresh connections; at the end the JIT-warm server's
 * own capacity is measured with a closed loop (not haboob's: against a server that sheds, a closed
 * loop is a storm of instant 503s). Per point: offered rate, goodput against the nominal capacity
 * and the server's peak, admitted (2xx) latency percentiles against the response-time target, 503s
 * and their latency, other errors, Jain's index over the clients' 2xx counts, and the CPU the server
 * and its neighbours used.
 *
 * <pre>
 * taskset -c 1 java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.http.Overload \
 *     [--levels 0.5,1,2,3,4] [--clients 64] [--target-ms 200] [--page-ms 2 | --rounds R] [--warmup 5] [--seconds 5]
 *     [--drain 2] [--ramp 30] [--capacity N] [--servers haboob,jdk,netty]
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
            Duration warmup = bench.duration("warmup", 5);
            Duration seconds = bench.duration("seconds", 5);
            Duration drain = bench.duration("drain", 2);
            double rampSeconds = bench.seconds("ramp", 30);
            StringBuilder out = new StringBuilder();
            HttpBench.write(out, HttpBench.header("Overload (issue 6)") + "\n");
            HttpBench.write(out, bench.machine());
            HttpBench.write(out, String.format("- open loop, %d keep-alive clients at a constant rate each, latency from the "
                            + "intended send time; each server started once, ramped %.0f s at 0.5x nominal capacity (same clients), "
                            + "then the levels in increasing order, each on fresh connections: warm-up %.0f s, measured %.0f s, "
                            + "answers awaited %.0f s more; response-time target %.0f ms%n%n",
                    clients, rampSeconds, warmup.toMillis() / 1e3, seconds.toMillis() / 1e3, drain.toMillis() / 1e3, targetMs));

            double reference = bench.nominalCapacity();
            HttpBench.write(out, String.format("Load levels are multiples of the nominal capacity, %s pages/s; each server's "
                    + "own capacity (closed loop, JIT-warm) is measured after its levels, below.%n%n", HttpBench.num(reference)));

            Map<Kind, Map<Double, HttpLoad.Result>> results = new LinkedHashMap<>();
            for (Kind k : bench.servers) {
                results.put(k, new LinkedHashMap<>());
            }
            List<String> rampNotes = new ArrayList<>();
            List<String> capacityRows = new ArrayList<>();
            Map<Kind, Double> capacity = new LinkedHashMap<>();
            HttpBench.write(out, "| load | server | offered/s | goodput/s | goodput / nominal | admitted p50 ms | p90 | p99 | "
                    + "max | p99 <= target | 503s (% of offered) | 503 p50 ms | 503 p99 ms | with Retry-After | errors | "
                    + "closes | Jain | server cores | others on its CPU |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
            for (Kind k : bench.servers) {
                try (ServerProcess server = bench.start(k)) {
                    // The ramp: JIT compilation, and time for a controller to find its rate, at half the capacity.
                    HttpLoad.Result ramp = bench.warmUpOpen(server, HttpBench.DYNAMIC, clients, reference / 2, rampSeconds);
                    rampNotes.add(String.format("%s served %s/s of %s/s offered in the last %.0f s of its ramp (%d 503s)",
                            k.label, HttpBench.num(ramp.goodput()), HttpBench.num(ramp.offeredRate()),
                            ramp.seconds(), ramp.rejected().getTotalCount()));
                    for (double level : levels) {
                        double perClient = level * reference / clients;
                        HttpLoad.Plan plan = HttpLoad.plan(server.address(), HttpBench.DYNAMIC, clients)
                                .withTimes(warmup, seconds, drain)
                                .withSelectorThreads(bench.selectorThreads)
                                .withOpen(clients, perClient)
                                .withPoisson(bench.poisson);
                        Measured m = bench.measure(server, plan);
                        HttpLoad.Result r = m.result();
                        results.get(k).put(level, r);
                        long rejects = r.rejected().getTotalCount();
                        HttpBench.write(out, String.format("| %.1fx | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |%n",
                                level, k.label, HttpBench.num(r.offeredRate()), HttpBench.num(r.goodput()),
                                HttpBench.f2(r.goodput() / reference),
                                HttpBench.ms(p(r, 50)), HttpBench.ms(p(r, 90)), HttpBench.ms(p(r, 99)),
                                HttpBench.ms(r.ok().getTotalCount() == 0 ? Double.NaN : r.ok().getMaxValue()),
                                r.ok().getTotalCount() == 0 ? "-" : p(r, 99) <= targetMs * 1000 ? "yes" : "**no**",
                                rejects + String.format(" (%.0f%%)", 100.0 * rejects / Math.max(1, r.offered())),
                                HttpBench.ms(rejects == 0 ? Double.NaN : r.rejected().getValueAtPercentile(50)),
                                HttpBench.ms(rejects == 0 ? Double.NaN : r.rejected().getValueAtPercentile(99)),
                                rejects == 0 ? "-" : String.format("%.0f%%", 100.0 * r.rejectedWithRetryAfter() / rejects),
                                HttpBench.errors(r), r.closes(), HttpBench.f3(r.fairness()),
                                HttpBench.f2(m.serverCores()), HttpBench.f2(m.othersOnServerCpu())));
                    }
                    if (k != Kind.HABOOB) {
                        // Now JIT-warm. Not for haboob: a closed loop against a server that sheds is a storm of
                        // instant 503s, not a measure of capacity.
                        Measured m = bench.measure(server, HttpLoad.plan(server.address(), HttpBench.DYNAMIC, clients)
                                .withTimes(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(2))
                                .withSelectorThreads(bench.selectorThreads));
                        capacity.put(k, m.result().goodput());
                        capacityRows.add(String.format("| %s | %s | %s | %s | %s | %s | %s |", k.label,
                                HttpBench.num(m.result().goodput()), HttpBench.f2(m.result().goodput() / reference),
                                HttpBench.f2(m.serverCores()), HttpBench.f2(m.othersOnServerCpu()),
                                HttpBench.f2(1000.0 * m.serverCores() / m.result().goodput()),
                                HttpBench.ms(m.result().ok().getValueAtPercentile(99))));
                    }
                }
            }
            HttpBench.write(out, String.format("%nCapacity of the JIT-warm servers after their levels (closed loop, %d "
                    + "connections, 2 s warm-up, 4 s measured):%n%n| server | 2xx/s | of nominal | server cores | others on its "
                    + "CPU | ms of CPU per page | p99 ms |\n|---|---:|---:|---:|---:|---:|---:|\n", clients));
            for (String row : capacityRows) {
                HttpBench.write(out, row + "\n");
            }
            HttpBench.write(out, "\nRamps: " + String.join("; ", rampNotes) + ".\n");

            double top = Collections.max(levels);
            HttpBench.write(out, String.format("%nAt %.1fx, against the targets of issue 6 (peak: the server's best goodput in "
                    + "this run, its closed-loop capacity included; nominal: one core at the measured page cost):%n%n", top));
            HttpBench.write(out, "| server | peak/s | goodput / peak (>= 0.9) | goodput / nominal | admitted p99 ms (< "
                    + (long) targetMs + ") | 503 p99 ms (< 10) | Jain (>= 0.99) |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (Kind k : bench.servers) {
                double peak = capacity.getOrDefault(k, 0.0);
                for (HttpLoad.Result r : results.get(k).values()) {
                    peak = Math.max(peak, r.goodput());
                }
                HttpLoad.Result r = results.get(k).get(top);
                double share = r.goodput() / peak;
                double p99 = p(r, 99);
                long rejects = r.rejected().getTotalCount();
                double rp99 = rejects == 0 ? Double.NaN : r.rejected().getValueAtPercentile(99);
                HttpBench.write(out, String.format("| %s | %s | %s %s | %s | %s %s | %s %s | %s %s |%n", k.label,
                        HttpBench.num(peak), HttpBench.f2(share), verdict(share >= 0.9),
                        HttpBench.f2(r.goodput() / reference),
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
