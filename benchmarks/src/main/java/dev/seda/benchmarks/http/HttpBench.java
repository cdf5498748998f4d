package dev.seda.benchmarks.http;

import dev.seda.benchmarks.http.ServerProcess.Kind;
import dev.seda.examples.haboob.DynamicPage;
import dev.seda.runtime.Config;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the HTTP benchmark mains share: options, the served files, starting servers, the machine's
 * description and number formatting. Common options:
 *
 * <ul>
 *   <li>{@code --servers haboob,netty,jdk}: which servers, in this order;
 *   <li>{@code --server-cpu 0}: the CPU list given to {@code taskset -c} for the servers ({@code none}: no pinning);
 *   <li>{@code --haboob-jar examples/haboob/target/haboob.jar};
 *   <li>{@code --server-jvm "-Xms512m -Xmx512m -XX:ThreadPriorityPolicy=1"}: JVM options of every server (the
 *       last lets the JVM apply Java thread priorities on Linux);
 *   <li>{@code --selector-threads 1}: the load generator's selector threads;
 *   <li>{@code --haboob-args="--report-s 1"}, {@code --netty-args=...}, {@code --jdk-args=...}: more arguments for
 *       that server (with {@code =}, since the value starts with dashes); haboob's default is
 *       {@code --io-priority 1}, as its README runs it (its selector thread below its workers);
 *   <li>{@code --poisson}: open-loop clients send with exponential gaps (Poisson arrivals of the same rate)
 *       instead of a constant period;
 *   <li>{@code --verbose}: print each server's log (to stderr) after each measured point;
 *   <li>{@code --rounds R} or {@code --page-ms 2}: the SHA-256 rounds of a {@code /dynamic/} page, or the
 *       cost to calibrate them for on this machine.
 * </ul>
 */
final class HttpBench implements AutoCloseable {
    static final String SMALL = "/small.html";
    /** Haboob as its README runs it for throughput: the selector thread below the workers' priority. */
    static final String HABOOB_ARGS = "--io-priority 1";
    static final String DYNAMIC = DynamicPage.PREFIX + "page";

    final Config opts;
    final List<Kind> servers = new ArrayList<>();
    final ServerProcess.Settings settings;
    final int selectorThreads;
    final boolean poisson;
    final long rounds;
    final double pageMillis;
    private final Path root;

    HttpBench(String[] args, String defaultServers, boolean needsRounds) throws IOException {
        opts = Config.fromArgs(args);
        for (String s : opts.string("servers", defaultServers).split(",")) {
            servers.add(Kind.of(s));
        }
        int fileBytes = opts.integer("file-bytes", 1024);
        root = Files.createTempDirectory("seda-http-bench-");
        Files.writeString(root.resolve("index.html"), "<!doctype html><title>bench</title><p>bench</p>\n");
        Files.write(root.resolve(SMALL.substring(1)), filler(fileBytes));
        Path benchmarksJar;
        try {
            benchmarksJar = Path.of(HttpBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IOException("cannot locate the benchmarks jar", e);
        }
        Path haboobJar = Path.of(opts.string("haboob-jar", "examples/haboob/target/haboob.jar")).toAbsolutePath();
        if (servers.contains(Kind.HABOOB) && !Files.isRegularFile(haboobJar)) {
            throw new IllegalArgumentException(haboobJar + " is missing: build it (./mvnw package) or give --haboob-jar");
        }
        if (needsRounds) {
            // The cost of a page is measured here, in the load generator's JVM, on its CPU (the same model).
            double nanosPerRound = nanosPerRound();
            if (opts.get("rounds").isEmpty()) {
                rounds = Math.max(1, Math.round(Double.parseDouble(opts.string("page-ms", "2")) * 1e6 / nanosPerRound));
            } else {
                rounds = Long.parseLong(opts.string("rounds", "5000"));
            }
            pageMillis = rounds * nanosPerRound / 1e6;
        } else {
            rounds = Long.parseLong(opts.string("rounds", "5000"));
            pageMillis = Double.NaN;
        }
        List<String> jvm = new ArrayList<>(Arrays.asList(opts.string("server-jvm", "-Xms512m -Xmx512m -XX:ThreadPriorityPolicy=1").trim()
                .split("\\s+")));
        jvm.removeIf(String::isEmpty);
        settings = new ServerProcess.Settings(haboobJar, benchmarksJar, opts.string("server-cpu", "0"), jvm, root,
                rounds);
        selectorThreads = opts.integer("selector-threads", 1);
        verbose = opts.flag("verbose");
        poisson = opts.flag("poisson");
    }

    /**
     * The cost of one SHA-256 round of {@link DynamicPage} in this JVM: pages rendered for 5 s first,
     * so that C2 has compiled the digest (on a JVM pinned to one CPU the compiler threads share that
     * CPU, and 2 s were measured to be too short: the estimate came out 25% high), then the median of 9
     * timed pages.
     */
    static double nanosPerRound() {
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() - until < 0) {
            DynamicPage.render("warm-up", 10_000);
        }
        List<Double> nanos = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            long start = System.nanoTime();
            DynamicPage.render("calibrate", 20_000);
            nanos.add((System.nanoTime() - start) / 20_000.0);
        }
        return median(nanos);
    }

    /**
     * What one core does in pages per second, from the cost measured here ({@link #nanosPerRound}), or
     * {@code --capacity N}. The load levels are multiples of it, the same for every server.
     */
    double nominalCapacity() {
        return opts.get("capacity").map(Double::parseDouble).orElse(1000.0 / pageMillis);
    }

    private static byte[] filler(int bytes) {
        byte[] b = new byte[bytes];
        String line = "<p>seda haboob benchmark page, 1 KiB of plain HTML text to serve from the cache.</p>\n";
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) line.charAt(i % line.length());
        }
        return b;
    }

    /** Starts a server, with the extra arguments of {@code --<label>-args "..."} (e.g. {@code --haboob-args}). */
    ServerProcess start(Kind kind) throws IOException, InterruptedException {
        List<String> extra = new ArrayList<>(Arrays.asList(args(kind).split("\\s+")));
        extra.removeIf(String::isEmpty);
        return ServerProcess.start(kind, settings, extra);
    }

    /** The extra arguments of a server: {@code --<label>-args}, or haboob's default. */
    String args(Kind kind) {
        return opts.string(kind.label + "-args", kind == Kind.HABOOB ? HABOOB_ARGS : "").trim();
    }

    double seconds(String key, double defaultValue) {
        return Double.parseDouble(opts.string(key, Double.toString(defaultValue)));
    }

    Duration duration(String key, double defaultSeconds) {
        return Duration.ofMillis(Math.round(seconds(key, defaultSeconds) * 1000));
    }

    List<Integer> integers(String key, String defaultValue) {
        List<Integer> out = new ArrayList<>();
        for (String s : opts.string(key, defaultValue).split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    List<Double> doubles(String key, String defaultValue) {
        List<Double> out = new ArrayList<>();
        for (String s : opts.string(key, defaultValue).split(",")) {
            out.add(Double.parseDouble(s.trim()));
        }
        return out;
    }

    /** A Markdown list describing the machine, the JVMs and the pinning. */
    String machine() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("- %s, %d CPUs online; JDK %s (%s)%n", cpuModel(),
                onlineCpus(), System.getProperty("java.vm.version"),
                System.getProperty("java.vm.name")));
        b.append(String.format("- load generator: this JVM, CPUs %s, %d selector thread(s); servers: taskset -c %s, JVM %s%n",
                selfCpus(), selectorThreads, settings.cpu(), String.join(" ", settings.jvmArgs())));
        for (Kind k : servers) {
            if (!args(k).isEmpty()) {
                b.append(String.format("- %s started with %s%n", k.label, args(k)));
            }
        }
        if (!Double.isNaN(pageMillis)) {
            b.append(String.format("- open-loop arrivals per client: %s%n", poisson ? "Poisson (exponential gaps)"
                    : "constant period"));
        }
        b.append(String.format("- load average at start: %s; open-file limit %s%n", loadAverage(), openFileLimit()));
        if (!Double.isNaN(pageMillis)) {
            b.append(String.format("- /dynamic/ pages: %d SHA-256 rounds, %.2f ms of CPU as measured here: nominal "
                    + "capacity %s pages/s per core%s%n", rounds, pageMillis, num(1000.0 / pageMillis),
                    opts.get("capacity").map(c -> "; capacity given: " + c + " pages/s").orElse("")));
        }
        return b.toString();
    }

    static String header(String title) {
        return "## " + title + ", " + Instant.now() + "\n";
    }

    static int onlineCpus() {
        try {
            String online = Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
            int n = 0;
            for (String part : online.split(",")) {
                String[] r = part.split("-");
                n += r.length == 1 ? 1 : Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    static String selfCpus() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.substring(18).trim()).findFirst()
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** The open-file limit of this JVM (the servers inherit the same), or -1 when unknown. */
    static long openFileLimit() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** Milliseconds from microseconds, with sensible precision. */
    static String ms(double micros) {
        if (Double.isNaN(micros)) {
            return "-";
        }
        double m = micros / 1000.0;
        if (m < 10) {
            return String.format(Locale.ROOT, "%.2f", m);
        }
        if (m < 100) {
            return String.format(Locale.ROOT, "%.1f", m);
        }
        return String.format(Locale.ROOT, "%.0f", m);
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String f2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String f3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Runs a load plan against a server and measures the server's CPU use inside the window. */
    static volatile boolean verbose;

    Measured measure(ServerProcess server, HttpLoad.Plan plan) throws IOException, InterruptedException {
        double[] cpu = new double[2];
        double[] busy = new double[2];
        double[] self = new double[2];
        long[] wall = new long[2];
        HttpLoad.Result r = HttpLoad.run(plan, new HttpLoad.Phases() {
            @Override
            public void measureStarts() {
                sample(0);
            }

            @Override
            public void measureEnds() {
                sample(1);
            }

            /** The server's CPU, its core's, this JVM's and the clock, at the window's start (0) or end (1). */
            private void sample(int i) {
                cpu[i] = server.cpuSeconds();
                busy[i] = cpuBusySeconds(settings.cpu());
                self[i] = ServerProcess.cpuSecondsOf(ProcessHandle.current().pid());
                wall[i] = System.nanoTime();
            }
        });
        if (!server.isAlive()) {
            throw new IOException(server.kind().label + " died during the run:\n" + server.logTail());
        }
        if (verbose) {
            System.err.printf("--- %s's log:%n%s%n---%n", server.kind().label, server.logTail());
        }
        if (r.okArrived() + r.rejectsArrived() + r.ok().getTotalCount() + r.rejected().getTotalCount()
                + r.otherStatusCount() == 0) {
            System.out.printf("%n> **%s answered nothing in this run** (%s); a new connection now gets: %s; its log:%n"
                            + "> %s%n%n", server.kind().label, errors(r), server.probe(),
                    server.logTail().replace("\n", "\n> "));
        }
        double seconds = (wall[1] - wall[0]) / 1e9;
        double serverCores = (cpu[1] - cpu[0]) / seconds;
        return new Measured(r, serverCores, (busy[1] - busy[0]) / seconds - serverCores, (self[1] - self[0]) / seconds);
    }

    /**
     * Busy time (everything but idle and iowait) of the CPU the servers are pinned to, in seconds,
     * from /proc/stat; NaN unless that is a single CPU.
     */
    static double cpuBusySeconds(String cpu) {
        if (cpu == null || !cpu.trim().matches("\\d+")) {
            return Double.NaN;
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String prefix = "cpu" + cpu.trim() + " ";
            String line = lines.filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
            if (line == null) {
                return Double.NaN;
            }
            String[] f = line.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / 100.0; // USER_HZ
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * A load result, the server's CPU use in the window (cores), and what everything else used of the
     * server's CPU meanwhile (other processes, interrupts): the noise next to the measurement; and the
     * CPU this load generator used (at 1.0 on its one CPU, it may be the bottleneck).
     */
    record Measured(HttpLoad.Result result, double serverCores, double othersOnServerCpu, double loadGeneratorCores) {}

    /**
     * Lets the server's JIT compile its request path: a closed loop of {@code connections} on
     * {@code path} for {@code seconds}, whose results are thrown away.
     */
    void warmUp(ServerProcess server, String path, int connections, double seconds)
            throws IOException, InterruptedException {
        HttpLoad.run(HttpLoad.plan(server.address(), path, connections)
                .withTimes(Duration.ofMillis((long) (seconds * 1000)), Duration.ofMillis(100), Duration.ofMillis(500))
                .withSelectorThreads(selectorThreads));
    }

    /**
     * Lets the server's JIT compile its {@code /dynamic/} path without overloading it: an open loop of
     * {@code clients} offering {@code totalRate} requests/s for {@code seconds}; the result is that of
     * the last 2 s.
     * (A closed loop would be a storm for a server that sheds: each 503 comes back at once and is
     * followed by the next request, and the run would then start from a controller that has just
     * cut its admission rate to the floor.)
     */
    HttpLoad.Result warmUpOpen(ServerProcess server, String path, int clients, double totalRate, double seconds)
            throws IOException, InterruptedException {
        double last = Math.min(2, seconds / 2); // the result describes the last 2 s
        return HttpLoad.run(HttpLoad.plan(server.address(), path, clients)
                .withTimes(Duration.ofMillis((long) ((seconds - last) * 1000)), Duration.ofMillis((long) (last * 1000)),
                        Duration.ofMillis(500))
                .withSelectorThreads(selectorThreads)
                .withOpen(clients, totalRate / clients));
    }

    /** A short description of what went wrong besides rejects, or "0". */
    static String errors(HttpLoad.Result r) {
        List<String> parts = new ArrayList<>();
        if (!r.otherStatus().isEmpty()) {
            parts.add("status " + r.otherStatus());
        }
        if (r.timeouts() > 0) {
            parts.add(r.timeouts() + " unanswered");
        }
        if (r.resets() > 0) {
            parts.add(r.resets() + " broken connections");
        }
        if (r.connectFailures() > 0) {
            parts.add(r.connectFailures() + " failed connects");
        }
        if (r.protocolErrors() > 0) {
            parts.add(r.protocolErrors() + " protocol errors");
        }
        if (r.dropped() > 0) {
            parts.add(r.dropped() + " dropped by the client");
        }
        return parts.isEmpty() ? "0" : String.join(", ", parts);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static void write(StringBuilder out, String s) {
        out.append(s);
        System.out.print(s);
        System.out.flush();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
