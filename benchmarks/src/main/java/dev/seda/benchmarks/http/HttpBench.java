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
 *   <li>{@code --server-jvm "-Xms512m -Xmx512m"}: JVM options of every server;
 *   <li>{@code --selector-threads 1}: the load generator's selector threads;
 *   <li>{@code --rounds R} or {@code --page-ms 2}: the SHA-256 rounds of a {@code /dynamic/} page, or the
 *       cost to calibrate them for on this machine.
 * </ul>
 */
final class HttpBench implements AutoCloseable {
    static final String SMALL = "/small.html";
    static final String DYNAMIC = DynamicPage.PREFIX + "page";

    final Config opts;
    final List<Kind> servers = new ArrayList<>();
    final ServerProcess.Settings settings;
    final int selectorThreads;
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
        if (needsRounds && opts.get("rounds").isEmpty()) {
            pageMillis = Double.parseDouble(opts.string("page-ms", "2"));
            rounds = calibrate(pageMillis);
        } else {
            rounds = Long.parseLong(opts.string("rounds", "5000"));
            pageMillis = Double.NaN;
        }
        List<String> jvm = new ArrayList<>(Arrays.asList(opts.string("server-jvm", "-Xms512m -Xmx512m").trim()
                .split("\\s+")));
        jvm.removeIf(String::isEmpty);
        settings = new ServerProcess.Settings(haboobJar, benchmarksJar, opts.string("server-cpu", "0"), jvm, root,
                rounds);
        selectorThreads = opts.integer("selector-threads", 1);
    }

    /**
     * SHA-256 rounds per page for {@code millis} on this JVM's core: rendered for 2 s first so that C2
     * has compiled the loop, then the median of 7 timed pages.
     */
    static long calibrate(double millis) {
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() - until < 0) {
            DynamicPage.render("warm-up", 10_000);
        }
        List<Double> nanosPerRound = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long start = System.nanoTime();
            DynamicPage.render("calibrate", 20_000);
            nanosPerRound.add((System.nanoTime() - start) / 20_000.0);
        }
        return Math.max(1, Math.round(millis * 1e6 / median(nanosPerRound)));
    }

    private static byte[] filler(int bytes) {
        byte[] b = new byte[bytes];
        String line = "<p>seda haboob benchmark page, 1 KiB of plain HTML text to serve from the cache.</p>\n";
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) line.charAt(i % line.length());
        }
        return b;
    }

    ServerProcess start(Kind kind) throws IOException, InterruptedException {
        return ServerProcess.start(kind, settings, List.of());
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
        b.append(String.format("- load average at start: %s; open-file limit %s%n", loadAverage(), openFileLimit()));
        if (!Double.isNaN(pageMillis)) {
            b.append(String.format("- /dynamic/ pages: %d SHA-256 rounds (calibrated here to %.1f ms)%n", rounds,
                    pageMillis));
        } else {
            b.append(String.format("- /dynamic/ pages: %d SHA-256 rounds%n", rounds));
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
    static Measured measure(ServerProcess server, HttpLoad.Plan plan) throws IOException, InterruptedException {
        double[] cpu = new double[2];
        long[] wall = new long[2];
        HttpLoad.Result r = HttpLoad.run(plan, new HttpLoad.Phases() {
            @Override
            public void measureStarts() {
                cpu[0] = server.cpuSeconds();
                wall[0] = System.nanoTime();
            }

            @Override
            public void measureEnds() {
                cpu[1] = server.cpuSeconds();
                wall[1] = System.nanoTime();
            }
        });
        if (!server.isAlive()) {
            throw new IOException(server.kind().label + " died during the run:\n" + server.logTail());
        }
        if (r.ok().getTotalCount() + r.rejected().getTotalCount() + r.otherStatusCount() == 0) {
            System.out.printf("%n> **%s answered nothing in this run** (%s); a new connection now gets: %s; its log:%n"
                            + "> %s%n%n", server.kind().label, errors(r), server.probe(),
                    server.logTail().replace("\n", "\n> "));
        }
        return new Measured(r, (cpu[1] - cpu[0]) / ((wall[1] - wall[0]) / 1e9));
    }

    /** A load result and the server's CPU use in the window (cores). */
    record Measured(HttpLoad.Result result, double serverCores) {}

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
     * Each server's capacity for {@code /dynamic/} pages: a closed loop of {@code connections},
     * 2xx responses per second, each server fresh. Printed as a table.
     */
    java.util.Map<ServerProcess.Kind, Double> capacities(StringBuilder out, int connections, Duration warmup,
                                                         Duration seconds) throws IOException, InterruptedException {
        java.util.Map<ServerProcess.Kind, Double> capacity = new java.util.LinkedHashMap<>();
        write(out, String.format("Capacity for %s: closed loop, %d connections, warm-up %.0f s, measured %.0f s%n%n",
                DYNAMIC, connections, warmup.toMillis() / 1e3, seconds.toMillis() / 1e3));
        write(out, "| server | 2xx/s | ms per page (1 / rate) | p50 ms | p99 ms | server cores | 503 | errors |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (ServerProcess.Kind k : servers) {
            try (ServerProcess server = start(k)) {
                Measured m = measure(server, HttpLoad.plan(server.address(), DYNAMIC, connections)
                        .withTimes(warmup, seconds, Duration.ofSeconds(2)).withSelectorThreads(selectorThreads));
                HttpLoad.Result r = m.result();
                capacity.put(k, r.goodput());
                write(out, String.format("| %s | %s | %s | %s | %s | %s | %d | %s |%n", k.label, num(r.goodput()),
                        f2(1000.0 / r.goodput()), ms(r.ok().getValueAtPercentile(50)),
                        ms(r.ok().getValueAtPercentile(99)), f2(m.serverCores()), r.rejected().getTotalCount(),
                        errors(r)));
            }
        }
        return capacity;
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
