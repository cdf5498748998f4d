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
 * Small-file throughput with keep-alive (issue 6): a closed loop of {@code --connections} (64)
 * keep-alive connections, each asking for a 1 KiB file again as soon as the previous answer came,
 * against haboob, the Netty server and the JDK server, each in its own JVM pinned to
 * {@code --server-cpu} (0) while this load generator runs pinned elsewhere. Every server is started
 * fresh {@code --repeats} (3) times, the servers interleaved (the order rotates each round), and the
 * median is reported with the ratios of the targets (haboob >= 0.8x Netty, >= 2.5x JDK).
 *
 * <pre>
 * taskset -c 1 java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.http.Throughput \
 *     [--connections 64] [--warmup 3] [--seconds 5] [--repeats 3] [--file-bytes 1024] [--servers haboob,netty,jdk]
 * </pre>
 */
public final class Throughput {
    private Throughput() {
    }

    public static void main(String[] args) throws Exception {
        try (HttpBench bench = new HttpBench(args, "haboob,netty,jdk", false)) {
            int connections = bench.opts.integer("connections", 64);
            Duration warmup = bench.duration("warmup", 3);
            Duration seconds = bench.duration("seconds", 5);
            int repeats = bench.opts.integer("repeats", 3);
            StringBuilder out = new StringBuilder();
            HttpBench.write(out, HttpBench.header("Small-file throughput (issue 6)") + "\n");
            HttpBench.write(out, bench.machine());
            HttpBench.write(out, String.format("- GET %s (%d bytes), %d keep-alive connections, closed loop; warm-up %.0f s, "
                            + "measured %.0f s; %d runs per server, interleaved, each on a fresh server%n%n",
                    HttpBench.SMALL, bench.opts.integer("file-bytes", 1024), connections, warmup.toMillis() / 1e3,
                    seconds.toMillis() / 1e3, repeats));

            Map<Kind, List<Measured>> runs = new LinkedHashMap<>();
            for (Kind k : bench.servers) {
                runs.put(k, new ArrayList<>());
            }
            List<Kind> order = new ArrayList<>(bench.servers);
            HttpBench.write(out, "| run | server | req/s | p50 ms | p99 ms | max ms | server cores | others on its CPU | load generator cores | errors |\n"
                    + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (int rep = 0; rep < repeats; rep++) {
                for (Kind k : order) {
                    try (ServerProcess server = bench.start(k)) {
                        HttpLoad.Plan plan = HttpLoad.plan(server.address(), HttpBench.SMALL, connections)
                                .withTimes(warmup, seconds, Duration.ofSeconds(1))
                                .withSelectorThreads(bench.selectorThreads);
                        Measured m = bench.measure(server, plan);
                        runs.get(k).add(m);
                        HttpLoad.Result r = m.result();
                        HttpBench.write(out, String.format("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", rep + 1,
                                k.label, HttpBench.num(r.goodput()), HttpBench.ms(r.ok().getValueAtPercentile(50)),
                                HttpBench.ms(r.ok().getValueAtPercentile(99)), HttpBench.ms(r.ok().getMaxValue()),
                                HttpBench.f2(m.serverCores()), HttpBench.f2(m.othersOnServerCpu()),
                                HttpBench.f2(m.loadGeneratorCores()), HttpBench.errors(r)));
                    }
                }
                Collections.rotate(order, 1);
            }

            HttpBench.write(out, "\n| server | median req/s | runs (req/s) | median server cores | req per server CPU-second |\n"
                    + "|---|---:|---|---:|---:|\n");
            Map<Kind, Double> medians = new LinkedHashMap<>();
            Map<Kind, Double> perCpuMedians = new LinkedHashMap<>();
            for (Map.Entry<Kind, List<Measured>> e : runs.entrySet()) {
                List<Double> rates = new ArrayList<>();
                List<Double> cores = new ArrayList<>();
                List<Double> perCpu = new ArrayList<>();
                List<String> each = new ArrayList<>();
                for (Measured m : e.getValue()) {
                    rates.add(m.result().goodput());
                    cores.add(m.serverCores());
                    perCpu.add(m.result().goodput() / m.serverCores());
                    each.add(HttpBench.num(m.result().goodput()));
                }
                double median = HttpBench.median(rates);
                medians.put(e.getKey(), median);
                perCpuMedians.put(e.getKey(), HttpBench.median(perCpu));
                HttpBench.write(out, String.format("| %s | %s | %s | %s | %s |%n", e.getKey().label,
                        HttpBench.num(median), String.join(", ", each), HttpBench.f2(HttpBench.median(cores)),
                        HttpBench.num(HttpBench.median(perCpu))));
            }
            HttpBench.write(out, "\n| ratio of medians | req/s | per server CPU-second | target | verdict (req/s) |\n"
                    + "|---|---:|---:|---:|---|\n");
            ratio(out, medians, perCpuMedians, Kind.NETTY, 0.8);
            ratio(out, medians, perCpuMedians, Kind.JDK, 2.5);
            HttpBench.write(out, String.format("%n(load average at the end: %s)%n", HttpBench.loadAverage()));
        }
    }

    private static void ratio(StringBuilder out, Map<Kind, Double> medians, Map<Kind, Double> perCpu, Kind other,
                              double target) {
        Double haboob = medians.get(Kind.HABOOB);
        Double them = medians.get(other);
        if (haboob == null || them == null) {
            return;
        }
        double r = haboob / them;
        double c = perCpu.get(Kind.HABOOB) / perCpu.get(other);
        HttpBench.write(out, String.format("| haboob / %s | %.2fx | %.2fx | >= %.1fx | %s |%n", other.label, r, c, target,
                r >= target ? "met" : "**missed**"));
    }
}
