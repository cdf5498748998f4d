package dev.seda.benchmarks.http;

import dev.seda.benchmarks.http.ServerProcess.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A load spike (issue 6): {@code --base-clients} (8) open-loop clients, then {@code --spike-clients}
 * (1000) more connect at once and send at the same per-client rate, chosen so that all of them
 * together offer {@code --load} (2) times the nominal capacity for {@code /dynamic/} pages (one core
 * at the page cost measured in this JVM, see {@link HttpBench#nominalCapacity}). Each server is fresh
 * and ramped at half the capacity for {@code --ramp} (20) s first. Latency is from the intended send time. The run is cut in
 * {@code --window-ms} (100) windows by arrival time; the result is how long after the spike the 90th
 * percentile of admitted (2xx) responses per window stays under {@code --target-ms} (200) until the
 * end of the run ({@code --after} seconds, 15). A window in which nothing was answered counts as over
 * the target; one with 503s only does not (the 2xx rate after the spike, as a share of the nominal capacity, is
 * reported beside it, so shedding everything does not pass unnoticed).
 *
 * <pre>
 * taskset -c 1 java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.http.Spike \
 *     [--base-clients 8] [--spike-clients 1000] [--load 2] [--before 5] [--after 15] [--window-ms 100]
 *     [--target-ms 200] [--page-ms 2 | --rounds R] [--ramp 20] [--servers haboob,jdk]
 * </pre>
 */
public final class Spike {
    private Spike() {
    }

    public static void main(String[] args) throws Exception {
        try (HttpBench bench = new HttpBench(args, "haboob,jdk", true)) {
            int base = bench.opts.integer("base-clients", 8);
            int spike = bench.opts.integer("spike-clients", 1000);
            double load = bench.seconds("load", 2);
            Duration before = bench.duration("before", 5);
            Duration after = bench.duration("after", 15);
            int windowMs = bench.opts.integer("window-ms", 100);
            double targetMs = bench.seconds("target-ms", 200);
            double rampSeconds = bench.seconds("ramp", 20);
            StringBuilder out = new StringBuilder();
            HttpBench.write(out, HttpBench.header("Load spike (issue 6)") + "\n");
            HttpBench.write(out, bench.machine());
            HttpBench.write(out, String.format("- each server fresh, ramped %.0f s at 0.5x nominal capacity (64 clients, open loop); "
                            + "then open loop: %d clients, after %.0f s %d more at once (new connections), all at "
                            + "the same rate per client, together %.1fx nominal capacity; latency from the intended send time; %d ms "
                            + "windows by arrival; target: admitted p90 <= %.0f ms%n%n", rampSeconds, base, before.toMillis() / 1e3, spike,
                    load, windowMs, targetMs));
            long limit = HttpBench.openFileLimit();
            if (limit >= 0 && limit < base + spike + 200) {
                HttpBench.write(out, String.format("**open-file limit %d is too low for %d clients**: raise it with "
                        + "`ulimit -n` in the shell first (Java cannot).%n%n", limit, base + spike));
                return;
            }
            double reference = bench.nominalCapacity();
            double perClient = load * reference / (base + spike);
            HttpBench.write(out, String.format("Nominal capacity %s pages/s: %.2f requests/s per client, %s/s before the spike, "
                    + "%s/s after.%n%n", HttpBench.num(reference), perClient, HttpBench.num(perClient * base),
                    HttpBench.num(perClient * (base + spike))));

            List<String> summary = new ArrayList<>();
            for (Kind k : bench.servers) {
                HttpLoad.Result r;
                try (ServerProcess server = bench.start(k)) {
                    bench.warmUpOpen(server, HttpBench.DYNAMIC, 64, reference / 2, rampSeconds);
                    HttpLoad.Plan plan = HttpLoad.plan(server.address(), HttpBench.DYNAMIC, base + spike)
                            .withTimes(Duration.ZERO, before.plus(after), Duration.ofSeconds(1))
                            .withSelectorThreads(bench.selectorThreads)
                            .withWindow(Duration.ofMillis(windowMs))
                            .withPoisson(bench.poisson)
                            .withGroups(HttpLoad.Mode.OPEN, List.of(new HttpLoad.Group(base, perClient, Duration.ZERO),
                                    new HttpLoad.Group(spike, perClient, before)));
                    r = bench.measure(server, plan).result();
                }
                int spikeAt = (int) (before.toMillis() / windowMs);
                int end = (int) (before.plus(after).toMillis() / windowMs);
                List<HttpLoad.Window> ws = r.windows();
                int lastBad = -1;
                int firstBad = -1;
                int badWindows = 0;
                double worst = 0;
                long okAfter = 0;
                long rejectsAfter = 0;
                for (int w = spikeAt; w < end; w++) {
                    HttpLoad.Window win = w < ws.size() ? ws.get(w) : null;
                    // A window in which nothing at all was answered is a stall; one with only 503s has no
                    // admitted response time to judge (the 2xx rate after the spike shows what was served).
                    boolean bad = win == null || win.ok().getTotalCount() + win.rejects() == 0
                            || (win.ok().getTotalCount() > 0 && win.ok().getValueAtPercentile(90) > targetMs * 1000);
                    if (win != null && win.ok().getTotalCount() > 0) {
                        worst = Math.max(worst, win.ok().getValueAtPercentile(90));
                        okAfter += win.ok().getTotalCount();
                    }
                    if (win != null) {
                        rejectsAfter += win.rejects();
                    }
                    if (bad) {
                        lastBad = w;
                        badWindows++;
                        if (firstBad < 0) {
                            firstBad = w;
                        }
                    }
                }
                String recovery;
                if (lastBad < 0) {
                    recovery = "never above the target";
                } else if (lastBad == end - 1) {
                    recovery = String.format("**not recovered** within %.0f s", after.toMillis() / 1e3);
                } else {
                    recovery = String.format("%.1f s", (lastBad + 1 - spikeAt) * windowMs / 1e3);
                }
                Histogram beforeOk = HttpLoad.newWindowHistogram();
                for (int w = 0; w < Math.min(spikeAt, ws.size()); w++) {
                    beforeOk.add(ws.get(w).ok());
                }
                String firstOver = firstBad < 0 ? "never"
                        : String.format("%.1f s", (firstBad - spikeAt) * windowMs / 1e3);
                summary.add(String.format("| %s | %s | %s | %s | %s | %d of %d | %s (%.0f%%) | %s | %s | %s |", k.label,
                        HttpBench.ms(beforeOk.getTotalCount() == 0 ? Double.NaN : beforeOk.getValueAtPercentile(90)),
                        HttpBench.ms(worst), firstOver, recovery, badWindows, end - spikeAt, HttpBench.num(okAfter / (after.toMillis() / 1e3)),
                        100 * okAfter / (after.toMillis() / 1e3) / reference,
                        HttpBench.num(rejectsAfter / (after.toMillis() / 1e3)), HttpBench.errors(r), r.closes()));

                HttpBench.write(out, String.format("%s, per second from 1 s before the spike (2xx and 503 per second; worst "
                        + "and median of the %d ms windows' admitted p90):%n%n", k.label, windowMs));
                HttpBench.write(out, "| t (s) | 2xx/s | 503/s | worst p90 ms | median p90 ms |\n|---:|---:|---:|---:|---:|\n");
                int perSecond = 1000 / windowMs;
                for (int s = Math.max(0, spikeAt / perSecond - 1); s < end / perSecond; s++) {
                    long ok = 0;
                    long rej = 0;
                    List<Double> p90s = new ArrayList<>();
                    for (int w = s * perSecond; w < (s + 1) * perSecond && w < ws.size(); w++) {
                        ok += ws.get(w).ok().getTotalCount();
                        rej += ws.get(w).rejects();
                        if (ws.get(w).ok().getTotalCount() > 0) {
                            p90s.add((double) ws.get(w).ok().getValueAtPercentile(90));
                        }
                    }
                    HttpBench.write(out, String.format("| %d | %d | %d | %s | %s |%n", s, ok, rej,
                            HttpBench.ms(p90s.isEmpty() ? Double.NaN : Collections.max(p90s)),
                            HttpBench.ms(HttpBench.median(p90s))));
                }
                HttpBench.write(out, "\n");
            }
            HttpBench.write(out, "| server | p90 before ms | worst window p90 after ms | first window over " + (long) targetMs
                    + " ms, after the spike | back under " + (long) targetMs + " ms for good after | windows over | "
                    + "2xx/s after (of nominal) | 503/s after | errors | closes |\n"
                    + "|---|---:|---:|---|---|---:|---:|---:|---|---:|\n");
            for (String line : summary) {
                HttpBench.write(out, line + "\n");
            }
            HttpBench.write(out, String.format("%n(load average at the end: %s)%n", HttpBench.loadAverage()));
        }
    }
}
