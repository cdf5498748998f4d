package dev.seda.benchmarks.http;

import dev.seda.benchmarks.http.HttpBench.Measured;
import dev.seda.benchmarks.http.ServerProcess.Kind;
import java.time.Duration;
import java.util.List;

/**
 * Fairness and scale in the manner of Figure 12 of the SEDA paper: 1 to 1024 clients, each a
 * keep-alive connection in a closed loop with {@code --think-ms} (20) of think time between a
 * response and its next request, asking for the 1 KiB file. Per point: throughput, mean, p99 and
 * maximum response time, and Jain's fairness index over the clients' completed requests. One server
 * process per server (warmed up first), the points in increasing order on fresh connections.
 *
 * <pre>
 * taskset -c 1 java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.http.Fairness \
 *     [--clients 1,4,16,64,256,1024] [--think-ms 20] [--warmup 2] [--seconds 5] [--path /small.html]
 *     [--servers haboob,jdk]
 * </pre>
 *
 * <p>Each connection is a file descriptor in this JVM and one in the server's: Java cannot raise the
 * open-file limit, so the run checks it ({@code ulimit -n}) and leaves out the points it cannot hold.
 */
public final class Fairness {
    private Fairness() {
    }

    public static void main(String[] args) throws Exception {
        try (HttpBench bench = new HttpBench(args, "haboob,jdk", false)) {
            List<Integer> counts = bench.integers("clients", "1,4,16,64,256,1024");
            int thinkMs = bench.opts.integer("think-ms", 20);
            Duration warmup = bench.duration("warmup", 2);
            Duration seconds = bench.duration("seconds", 5);
            String path = bench.opts.string("path", HttpBench.SMALL);
            StringBuilder out = new StringBuilder();
            HttpBench.write(out, HttpBench.header("Fairness and scale, like Figure 12 (issue 6)") + "\n");
            HttpBench.write(out, bench.machine());
            HttpBench.write(out, String.format("- closed loop, each client one keep-alive connection, %d ms think time, GET %s; "
                            + "per point warm-up %.0f s, measured %.0f s; one server process per server, warmed up with "
                            + "64 connections for 3 s%n", thinkMs, path, warmup.toMillis() / 1e3, seconds.toMillis() / 1e3));
            long limit = HttpBench.openFileLimit();
            int most = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
            if (limit >= 0 && limit < most + 200) {
                HttpBench.write(out, String.format("- **open-file limit %d is too low** for %d clients (each needs a socket "
                        + "here and one in the server, plus ~200 for the JVMs): points above %d clients are left out. "
                        + "Raise it in the shell (`ulimit -n 4096`) before starting; Java cannot.%n", limit, most,
                        limit - 200));
            }
            HttpBench.write(out, "\n| clients | server | req/s | ceiling req/s (clients / think) | mean ms | p99 ms | max ms | "
                    + "Jain | errors | closes | server cores | others on its CPU | load generator cores |\n"
                    + "|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
            for (Kind k : bench.servers) {
                try (ServerProcess server = bench.start(k)) {
                    bench.warmUp(server, path, 64, 3);
                    for (int n : counts) {
                        if (limit >= 0 && n + 200 > limit) {
                            HttpBench.write(out, String.format("| %d | %s | (left out: open-file limit %d) | | | | | | | | | | |%n",
                                    n, k.label, limit));
                            continue;
                        }
                        HttpLoad.Plan plan = HttpLoad.plan(server.address(), path, n)
                                .withTimes(warmup, seconds, Duration.ofSeconds(2))
                                .withSelectorThreads(bench.selectorThreads)
                                .withClosed(n, Duration.ofMillis(thinkMs));
                        Measured m = bench.measure(server, plan);
                        HttpLoad.Result r = m.result();
                        boolean any = r.ok().getTotalCount() > 0;
                        HttpBench.write(out, String.format("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |%n", n, k.label,
                                HttpBench.num(r.goodput()), HttpBench.num(n * 1000.0 / Math.max(1, thinkMs)),
                                HttpBench.ms(any ? r.ok().getMean() : Double.NaN),
                                HttpBench.ms(any ? r.ok().getValueAtPercentile(99) : Double.NaN),
                                HttpBench.ms(any ? r.ok().getMaxValue() : Double.NaN), HttpBench.f3(r.fairness()),
                                HttpBench.errors(r), r.closes(), HttpBench.f2(m.serverCores()),
                                HttpBench.f2(m.othersOnServerCpu()), HttpBench.f2(m.loadGeneratorCores())));
                    }
                }
            }
            HttpBench.write(out, String.format("%n(load average at the end: %s)%n", HttpBench.loadAverage()));
        }
    }
}
