package dev.seda.benchmarks.io;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Connection scaling like Figure 11 of the SEDA paper (issue 4): throughput with 1 to 8192
 * concurrent connections on loopback, for seda's TCP layer and for a thread-per-connection server,
 * in the same run. Two workloads ({@link Workload}): {@code burst}, the paper's (bursts of 1000 8 KB
 * packets, a 32-byte acknowledgement per burst; bandwidth), and {@code echo} (64-byte round trips,
 * one in flight per connection). Prints Markdown tables.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.io.ConnectionScaling \
 *     [--workload burst|echo] [--connections 1,4,16,64,256,1024,4096,8192] [--seconds 5] [--warmup 2]
 *     [--request-bytes 64] [--packet-bytes 8192] [--burst 1000] [--ack-bytes 32]
 *     [--client-threads 2] [--servers seda,tpc] [--target 0.8] [--echo-threads 1..2] [--socket-buffer 0] [--io-threads 2 x cores]
 * </pre>
 *
 * <p>For every connection count both servers are measured one after the other (their order
 * alternates from one count to the next, so a drift in the machine's load does not always favour the
 * same one), each freshly started, with fresh connections, and stopped afterwards. Client and
 * servers share this JVM: see BENCHMARKS.md for why.
 */
public final class ConnectionScaling {
    private ConnectionScaling() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        List<Integer> counts = new ArrayList<>();
        for (String c : opts.getOrDefault("connections", "1,4,16,64,256,1024,4096,8192").split(",")) {
            counts.add(Integer.parseInt(c.trim()));
        }
        Duration seconds = Duration.ofMillis((long) (Double.parseDouble(opts.getOrDefault("seconds", "5")) * 1000));
        Duration warmup = Duration.ofMillis((long) (Double.parseDouble(opts.getOrDefault("warmup", "2")) * 1000));
        Workload workload = switch (opts.getOrDefault("workload", "burst")) {
            case "echo" -> Workload.echo(Integer.parseInt(opts.getOrDefault("request-bytes", "64")));
            case "burst" -> Workload.burst(Integer.parseInt(opts.getOrDefault("packet-bytes", "8192")),
                    Integer.parseInt(opts.getOrDefault("burst", "1000")),
                    Integer.parseInt(opts.getOrDefault("ack-bytes", "32")));
            default -> throw new IllegalArgumentException("unknown workload '" + opts.get("workload")
                    + "': burst or echo");
        };
        int clientThreads = Integer.parseInt(opts.getOrDefault("client-threads", "2"));
        int socketBuffer = Integer.parseInt(opts.getOrDefault("socket-buffer", "0"));
        // Netty's rule for its event loops, two per core: a selector thread often waits in a read or in
        // epoll, and on 2 cores 4 of them kept 83% of the peak at 8192 bursting connections, 2 kept 73%.
        int ioThreads = Integer.parseInt(opts.getOrDefault("io-threads",
                Integer.toString(2 * Runtime.getRuntime().availableProcessors())));
        double target = Double.parseDouble(opts.getOrDefault("target", "0.8"));
        String[] echo = opts.getOrDefault("echo-threads", "1..2").split("\\.\\.");
        int echoMin = Integer.parseInt(echo[0].trim());
        int echoMax = Integer.parseInt(echo[echo.length - 1].trim());
        Map<String, Supplier<EchoServer>> servers = new LinkedHashMap<>();
        for (String s : opts.getOrDefault("servers", "seda,tpc").split(",")) {
            switch (s.trim()) {
                case "seda" -> servers.put("seda", () -> new SedaEchoServer(workload, socketBuffer, ioThreads, echoMin, echoMax));
                case "tpc" -> servers.put("tpc", () -> new ThreadPerConnectionEchoServer(workload, socketBuffer));
                default -> throw new IllegalArgumentException("unknown server '" + s + "': seda or tpc");
            }
        }

        System.out.printf("## Connection scaling run, %s%n%n", Instant.now());
        System.out.printf("- %s, %d CPUs, JDK %s (%s), max heap %d MiB%n", cpuModel(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("- workload: %s; connections %s; warm-up %.1f s, measured %.1f s per point; "
                        + "%d client selector threads; socket buffers (servers' SO_RCVBUF, client's SO_SNDBUF): %s; "
                        + "load average at start: %s%n%n",
                workload.describe(), counts, warmup.toMillis() / 1e3, seconds.toMillis() / 1e3, clientThreads,
                socketBuffer > 0 ? socketBuffer + " bytes" : "the system's defaults", loadAverage());

        LoadGenerator client = new LoadGenerator(clientThreads, workload, socketBuffer, warmup, seconds);
        Map<String, List<Point>> results = new LinkedHashMap<>();
        Map<String, String> descriptions = new LinkedHashMap<>();
        for (String key : servers.keySet()) {
            results.put(key, new ArrayList<>());
        }
        List<String> order = new ArrayList<>(servers.keySet());
        for (int i = 0; i < counts.size(); i++) {
            int n = counts.get(i);
            List<String> thisRound = new ArrayList<>(order);
            if (i % 2 == 1) {
                java.util.Collections.reverse(thisRound);
            }
            for (String key : thisRound) {
                EchoServer server = servers.get(key).get();
                descriptions.put(key, server.description());
                Point p = measure(server, client, n);
                results.get(key).add(p);
                System.err.printf(Locale.ROOT, "%-22s %5d connections: %,10.0f %s, mean %.3f ms, p99 %.3f ms,"
                                + " errors %d, CPU %.2f + others %.2f cores, load %s%s%s%n", server.name(), n,
                        p.result.throughput(), workload.unit(), p.result.latency().meanMillis(), p.result.latency().quantileMillis(0.99),
                        p.result.errors(), p.result.processCores(), p.result.otherCores(), p.load,
                        p.extra.isEmpty() ? "" : ", " + p.extra, p.problems.isEmpty() ? "" : ", " + p.problems);
            }
        }

        for (String key : servers.keySet()) {
            printServerTable(workload, descriptions.get(key), results.get(key));
        }
        if (results.containsKey("seda") && results.containsKey("tpc")) {
            printRatios(workload, results.get("seda"), results.get("tpc"));
        }
        if (results.containsKey("seda")) {
            printVerdict(workload, results.get("seda"), target);
        }
        System.out.printf("Load average at the end: %s%n", loadAverage());
        System.exit(0);  // nothing should be left running; make sure of it
    }

    /** One measured point: the client's result, the server's problems, the 1-minute load average after it. */
    private record Point(LoadGenerator.Result result, String problems, String load, String extra) {}

    private static Point measure(EchoServer server, LoadGenerator client, int n) throws IOException, InterruptedException {
        InetSocketAddress address = server.start(n);
        LoadGenerator.Result r;
        String problems;
        String extra = "";
        try {
            r = client.run(address, n, server::openConnections, server::bytesRead);
            problems = r.connectProblems() + server.problems();
            if (server instanceof SedaEchoServer s) {
                extra = "echo threads " + s.echoThreads();
            }
        } finally {
            server.stop(Duration.ofSeconds(10));
        }
        String load = loadAverage().split(" ")[0];
        System.gc();      // the next point should not pay for this one's garbage
        Thread.sleep(500);  // and the kernel should have released its sockets
        return new Point(r, problems, load, extra);
    }

    private static void printServerTable(Workload workload, String description, List<Point> points) {
        double peak = points.stream().mapToDouble(p -> p.result.throughput()).max().orElse(Double.NaN);
        double peakPerCpu = points.stream().mapToDouble(p -> p.result.perCpuSecond()).max().orElse(Double.NaN);
        System.out.printf("### %s%n%n", description);
        String latency = workload.isEcho() ? "latency" : "burst time";
        System.out.println("| connections | " + workload.unit() + " | mean " + latency + " (ms) | p99 " + latency
                + " (ms) | of peak | fairness (Jain) | errors | this JVM's CPU (cores) | others' CPU (cores) | "
                + workload.perCpuUnit() + " | of peak |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Point p : points) {
            LoadGenerator.Result r = p.result;
            String errors = r.errors() == 0 && p.problems.isEmpty() ? "0"
                    : r.errors() + (p.problems.isEmpty() ? "" : " (" + p.problems.trim() + ")");
            System.out.printf(Locale.ROOT, "| %d | %,.0f | %.3f | %.3f | %.0f%% | %.3f | %s | %.2f | %.2f | %,.0f | %.0f%% |%n",
                    r.connections(), r.throughput(), r.latency().meanMillis(), r.latency().quantileMillis(0.99),
                    100 * r.throughput() / peak, r.fairness(), errors, r.processCores(), r.otherCores(),
                    r.perCpuSecond(), 100 * r.perCpuSecond() / peakPerCpu);
        }
        System.out.println();
    }

    private static void printRatios(Workload workload, List<Point> seda, List<Point> tpc) {
        System.out.println("### seda / thread-per-connection");
        System.out.println();
        System.out.println("| connections | throughput ratio | mean latency ratio | p99 latency ratio "
                + "| " + workload.perCpuUnit() + " ratio |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (int i = 0; i < seda.size(); i++) {
            LoadGenerator.Result s = seda.get(i).result;
            LoadGenerator.Result t = tpc.get(i).result;
            System.out.printf(Locale.ROOT, "| %d | %.2fx | %.2fx | %.2fx | %.2fx |%n", s.connections(),
                    s.throughput() / t.throughput(), s.latency().meanMillis() / t.latency().meanMillis(),
                    s.latency().quantileMillis(0.99) / t.latency().quantileMillis(0.99),
                    s.perCpuSecond() / t.perCpuSecond());
        }
        System.out.println();
    }

    private static void printVerdict(Workload workload, List<Point> seda, double target) {
        double peak = 0;
        int peakAt = 0;
        for (Point p : seda) {
            if (p.result.throughput() > peak) {
                peak = p.result.throughput();
                peakAt = p.result.connections();
            }
        }
        Point last = seda.get(seda.size() - 1);
        double ratio = last.result.throughput() / peak;
        System.out.printf(Locale.ROOT, "seda at %d connections: %,.0f %s = %.0f%% of its peak (%,.0f at %d"
                        + " connections); target >= %.0f%%: **%s**%n%n", last.result.connections(),
                last.result.throughput(), workload.unit(), 100 * ratio, peak, peakAt, 100 * target,
                ratio >= target && last.result.errors() == 0 ? "met" : "missed");
        double peakPerCpu = seda.stream().mapToDouble(p -> p.result.perCpuSecond()).max().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "Per CPU-second of this JVM (less sensitive to other load): %,.0f %s"
                + " = %.0f%% of its best point (%,.0f)%n%n", last.result.perCpuSecond(), workload.perCpuUnit(),
                100 * last.result.perCpuSecond() / peakPerCpu, peakPerCpu);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got '" + a + "'. Options: --connections"
                        + " 1,4,...,8192 --workload burst|echo --seconds 5 --warmup 2 --request-bytes 64 (echo)"
                        + " --packet-bytes 8192 --burst 1000 --ack-bytes 32 (burst) --client-threads 2"
                        + " --socket-buffer 0 (servers' SO_RCVBUF and the client's SO_SNDBUF per connection; 0: the system's)"
                        + " --io-threads 2 x cores (seda's selector threads)"
                        + " --servers seda,tpc --target 0.8 --echo-threads 1..2");
            }
            m.put(a.substring(2), args[++i]);
        }
        return m;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
