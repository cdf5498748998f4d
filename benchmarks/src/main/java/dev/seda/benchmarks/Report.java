package dev.seda.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a JMH JSON result ({@code -rf json}) of {@link HandoffBenchmark} and {@link RingBenchmark}
 * into the Markdown tables of BENCHMARKS.md, each seda figure as a ratio of its baselines in the
 * same run.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.Report results.json</pre>
 */
public final class Report {
    private static final String[] HANDOFF_IMPLS = {"seda-queue", "seda-stage", "seda-stage-shared", "abq", "abq-take", "disruptor"};

    /** A score and its 99.9% error half-width (NaN when JMH ran a single iteration). */
    private record Score(double score, double error) {}

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp benchmarks.jar dev.seda.benchmarks.Report results.json");
            System.exit(2);
        }
        System.out.print(render(new ObjectMapper().readTree(new File(args[0]))));
    }

    static String render(JsonNode runs) {
        Map<String, Score> handoff = new TreeMap<>();  // method + " " + impl
        Map<String, Score> ring = new TreeMap<>();     // stages + " " + events + " " + impl
        TreeSet<Integer> ringStages = new TreeSet<>();
        TreeSet<Integer> ringEvents = new TreeSet<>();
        for (JsonNode r : runs) {
            String[] name = r.path("benchmark").asText().split("\\.");
            String cls = name[name.length - 2];
            String method = name[name.length - 1];
            JsonNode p = r.path("params");
            if (cls.equals("HandoffBenchmark")) {
                handoff.put(method + " " + p.path("impl").asText(), score(r.path("primaryMetric")));
            } else if (cls.equals("RingBenchmark")) {
                int k = Integer.parseInt(p.path("stages").asText());
                int e = Integer.parseInt(p.path("events").asText());
                ringStages.add(k);
                ringEvents.add(e);
                ring.put(k + " " + e + " " + p.path("impl").asText(), score(r.path("secondaryMetrics").path("hops")));
            }
        }
        StringBuilder out = new StringBuilder();
        if (!handoff.isEmpty()) {
            handoffTables(handoff, out);
        }
        if (!ring.isEmpty()) {
            ringTables(ring, ringStages, ringEvents, out);
        }
        return out.toString();
    }

    private static Score score(JsonNode metric) {
        // JMH writes "NaN" (a string) for the error of a single iteration.
        return new Score(metric.path("score").asDouble(Double.NaN), metric.path("scoreError").asDouble(Double.NaN));
    }

    private static void handoffTables(Map<String, Score> handoff, StringBuilder out) {
        out.append("#### Handoff throughput (million events/s, higher is better)\n\n");
        out.append("| producers | seda-queue | seda-stage | seda-stage (shared pool) | ArrayBlockingQueue (drainTo) | ArrayBlockingQueue (take) | Disruptor |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        String[][] methods = {{"oneProducer", "1"}, {"twoProducers", "2"}, {"fourProducers", "4"}};
        for (String[] m : methods) {
            if (!handoff.containsKey(m[0] + " seda-queue") && !handoff.containsKey(m[0] + " seda-stage")) {
                continue;
            }
            out.append("| ").append(m[1]);
            for (String impl : HANDOFF_IMPLS) {
                Score s = handoff.get(m[0] + " " + impl);
                out.append(" | ").append(s == null ? "-" : fmt("%.1f ± %s", s.score() / 1e6, millions(s.error())));
            }
            out.append(" |\n");
        }
        out.append("\n#### Handoff ratios (targets: >= 3x ArrayBlockingQueue, >= 0.5x Disruptor)\n\n");
        out.append("| producers | seda | / ABQ (drainTo) | / ABQ (take) | / Disruptor |\n");
        out.append("|---|---|---|---|---|\n");
        for (String[] m : methods) {
            Score abq = handoff.get(m[0] + " abq");
            Score abqTake = handoff.get(m[0] + " abq-take");
            Score disruptor = handoff.get(m[0] + " disruptor");
            for (String impl : new String[] {"seda-queue", "seda-stage", "seda-stage-shared"}) {
                Score s = handoff.get(m[0] + " " + impl);
                if (s == null) {
                    continue;
                }
                out.append("| ").append(m[1]).append(" | ").append(impl)
                        .append(" | ").append(ratio(s, abq, 3))
                        .append(" | ").append(ratio(s, abqTake, 3))
                        .append(" | ").append(ratio(s, disruptor, 0.5)).append(" |\n");
            }
        }
        out.append('\n');
    }

    private static final String[][] RING_IMPLS = {{"seda-stage", "real stages"}, {"seda", "queue + Waiters loop"}};

    private static void ringTables(Map<String, Score> ring, TreeSet<Integer> stages, TreeSet<Integer> events,
                                   StringBuilder out) {
        if (events.contains(1)) {
            out.append("#### Ring of k stages, one event going round (ns per hop, lower is better)\n\n");
            out.append("| k | seda | ns/hop (hops/s ± error) | LinkedTransferQueue ns/hop (hops/s ± error) | seda / LTQ time (target <= 1) |\n");
            out.append("|---|---|---|---|---|\n");
            for (int k : stages) {
                Score l = ring.get(k + " 1 ltq");
                for (String[] impl : RING_IMPLS) {
                    Score s = ring.get(k + " 1 " + impl[0]);
                    if (s == null || l == null) {
                        continue;
                    }
                    double nsS = 1e9 / s.score();
                    double nsL = 1e9 / l.score();
                    double r = nsS / nsL;
                    out.append(fmt("| %d | %s | %.0f (%.0fk ± %.0fk) | %.0f (%.0fk ± %.0fk) | %.2fx %s |\n", k, impl[1],
                            nsS, s.score() / 1e3, s.error() / 1e3, nsL, l.score() / 1e3, l.error() / 1e3,
                            r, r <= 1 ? "met" : "**missed**"));
                }
            }
            out.append('\n');
        }
        for (int e : events) {
            if (e == 1) {
                continue;
            }
            out.append(fmt("#### Ring of k stages, %d events in flight (million hops/s, higher is better)\n\n", e));
            out.append("| k | seda | hops/s | LinkedTransferQueue | seda / LTQ (target >= 1) |\n");
            out.append("|---|---|---|---|---|\n");
            for (int k : stages) {
                Score l = ring.get(k + " " + e + " ltq");
                for (String[] impl : RING_IMPLS) {
                    Score s = ring.get(k + " " + e + " " + impl[0]);
                    if (s == null || l == null) {
                        continue;
                    }
                    out.append(fmt("| %d | %s | %.2f ± %s | %.2f ± %s | %s |\n", k, impl[1], s.score() / 1e6,
                            millions(s.error()), l.score() / 1e6, millions(l.error()), ratio(s, l, 1)));
                }
            }
            out.append('\n');
        }
    }

    /** {@code s / base} (higher is better) with its verdict against {@code target}, or "-" without a baseline. */
    private static String ratio(Score s, Score base, double target) {
        if (base == null) {
            return "-";
        }
        double r = s.score() / base.score();
        return fmt("%.2fx %s", r, r >= target ? "met" : "**missed**");
    }

    private static String millions(double error) {
        return Double.isNaN(error) ? "n/a" : fmt("%.2f", error / 1e6);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
