package dev.seda.benchmarks.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One server under test in its own JVM, pinned with {@code taskset -c <cpu>}, listening on
 * 127.0.0.1 and a free port. {@link #start} returns once the server answers HTTP; {@link #close}
 * (also run by a shutdown hook for every server still alive) destroys it, forcibly if it does not
 * end within 5 s. Its output goes to a log file, whose tail is shown when it fails to start.
 */
public final class ServerProcess implements AutoCloseable {
    /** The servers compared. */
    public enum Kind {
        HABOOB("haboob"), NETTY("netty"), JDK("jdk");

        public final String label;

        Kind(String label) {
            this.label = label;
        }

        public static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label.trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown server '" + label + "': haboob, netty or jdk");
        }
    }

    /** How to start servers: where the jars are, which CPU, which JVM options, what content. */
    public record Settings(Path haboobJar, Path benchmarksJar, String cpu, List<String> jvmArgs, Path root,
                           long dynamicRounds) {}

    private static final Set<ServerProcess> LIVE = new LinkedHashSet<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<ServerProcess> left;
            synchronized (LIVE) {
                left = new ArrayList<>(LIVE);
            }
            for (ServerProcess p : left) {
                p.close();
            }
        }, "server-process-cleanup"));
    }

    private final Kind kind;
    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Kind kind, Process process, int port, Path log) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public Kind kind() {
        return kind;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    public long pid() {
        return process.pid();
    }

    /** Starts the server and waits (up to 30 s) until it answers an HTTP request; tries 3 free ports. */
    public static ServerProcess start(Kind kind, Settings settings, List<String> extraArgs)
            throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>();
            if (settings.cpu() != null && !settings.cpu().isBlank() && !settings.cpu().equals("none")) {
                command.addAll(List.of("taskset", "-c", settings.cpu()));
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(settings.jvmArgs());
            List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--root", settings.root().toString(), "--dynamic-rounds", Long.toString(settings.dynamicRounds())));
            switch (kind) {
                case HABOOB -> command.addAll(List.of("-jar", settings.haboobJar().toString()));
                case NETTY -> command.addAll(List.of("-cp", settings.benchmarksJar().toString(),
                        NettyStaticServer.class.getName()));
                case JDK -> command.addAll(List.of("-cp", settings.benchmarksJar().toString(),
                        JdkStaticServer.class.getName()));
                default -> throw new IllegalStateException();
            }
            command.addAll(args);
            command.addAll(extraArgs);
            Path log = Files.createTempFile("seda-bench-" + kind.label + "-", ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            ServerProcess server = new ServerProcess(kind, process, port, log);
            synchronized (LIVE) {
                LIVE.add(server);
            }
            try {
                server.awaitAnswer(TimeUnit.SECONDS.toNanos(30));
                return server;
            } catch (IOException e) {
                last = new IOException(e.getMessage() + "\ncommand: " + String.join(" ", command) + "\nlog tail:\n"
                        + server.logTail(), e);
                server.close();
            } catch (InterruptedException | RuntimeException e) {
                server.close();
                throw e;
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitAnswer(long timeoutNanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException(kind.label + " exited with " + process.exitValue() + " before answering");
            }
            try (Socket s = new Socket()) {
                s.connect(address(), 1000);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write(("GET /probe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] head = new byte[8];
                int n = in.readNBytes(head, 0, head.length);
                if (n == head.length && new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IOException(kind.label + " did not answer within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                + " s" + (last == null ? "" : ": " + last));
    }

    /** What a fresh connection gets for {@code GET /}: the status line, or the error. */
    public String probe() {
        try (Socket s = new Socket()) {
            s.connect(address(), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] head = s.getInputStream().readNBytes(15);
            return new String(head, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** CPU time (user + system) the server used so far, in seconds; NaN when /proc cannot tell. */
    public double cpuSeconds() {
        return cpuSecondsOf(process.pid());
    }

    /** CPU time (user + system) of process {@code pid} so far, in seconds; NaN when /proc cannot tell. */
    static double cpuSecondsOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks / 100.0; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The last lines the server printed. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Destroys the server (SIGTERM, then SIGKILL after 5 s) and deletes its log. Idempotent. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            synchronized (LIVE) {
                LIVE.remove(this);
            }
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }
}
