package dev.seda.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The handoff of {@link HandoffBenchmark}, measured so that the machine's slow and fast phases hit
 * every implementation alike: the implementations take turns in short slices (a fresh handoff each,
 * a 50 ms warm-up, then {@code --slice} ms counted), round after round, and each round's scores are
 * divided by the first implementation's of the same round. On a shared VM, whose speed can halve for
 * tens of seconds, JMH's one-implementation-after-another order moves a ratio by more than any change
 * being measured; medians of per-round ratios do not.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.HandoffSlices
 *     [--producers 1] [--rounds 20] [--slice 300] [impl ...]   (default: abq seda-stage seda-stage-shared abq-take disruptor)</pre>
 *
 * The first three rounds warm the JIT and are not counted. Each round starts one implementation
 * later in the list, so that none always follows the same one (and whatever it leaves behind).
 */
public final class HandoffSlices {
    private static final int WARM_ROUNDS = 3;
    private static final long WARM_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private HandoffSlices() {
    }

    public static void main(String[] args) throws Exception {
        int producers = 1;
        int rounds = 20;
        long sliceMillis = 300;
        List<String> impls = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--producers" -> producers = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--slice" -> sliceMillis = Long.parseLong(args[++i]);
                default -> impls.add(args[i]);
            }
        }
        if (impls.isEmpty()) {
            impls = List.of("abq", "seda-stage", "seda-stage-shared", "abq-take", "disruptor");
        }
        if (producers < 1 || rounds < 1 || sliceMillis < 1) {
            throw new IllegalArgumentException("--producers, --rounds and --slice must be positive");
        }
        System.out.printf(Locale.ROOT, "%d producer(s), %d rounds of %d ms slices, after %d warm-up rounds%n",
                producers, rounds, sliceMillis, WARM_ROUNDS);
        double[][] scores = new double[impls.size()][rounds];
        for (int round = -WARM_ROUNDS; round < rounds; round++) {
            for (int i = 0; i < impls.size(); i++) {
                int k = Math.floorMod(round + i, impls.size());
                double perSecond = slice(impls.get(k), producers, TimeUnit.MILLISECONDS.toNanos(sliceMillis));
                if (round >= 0) {
                    scores[k][round] = perSecond;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-18s %28s   %s%n", "impl", "M events/s: median (p25-p75)",
                "ratio to " + impls.get(0) + " in the same round: median (p25-p75)");
        for (int k = 0; k < impls.size(); k++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = scores[k][r] / scores[0][r];
            }
            double[] s = quartiles(scores[k]);
            double[] q = quartiles(ratios);
            System.out.printf(Locale.ROOT, "%-18s %10.1f (%5.1f - %5.1f)   %.2fx (%.2f - %.2f)%n", impls.get(k),
                    s[1] / 1e6, s[0] / 1e6, s[2] / 1e6, q[1], q[0], q[2]);
        }
    }

    /**
     * Events per second handed off by {@code producers} threads in one slice, on a fresh handoff:
     * the sum of each producer's sends per second over the time it really counted.
     */
    private static double slice(String impl, int producers, long sliceNanos) throws Exception {
        Handoffs.Handoff handoff = Handoffs.create(impl);
        Object event = new Object();
        long from = System.nanoTime() + WARM_UP_NANOS;
        long until = from + sliceNanos;
        double[] rates = new double[producers];
        Throwable[] failures = new Throwable[producers];
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int me = p;
            threads[p] = new Thread(() -> {
                try {
                    rates[me] = produce(handoff, event, from, until);
                } catch (Throwable t) {
                    failures[me] = t;
                }
            }, "producer-" + p);
            threads[p].start();
        }
        double total = 0;
        for (int p = 0; p < producers; p++) {
            threads[p].join();
            if (failures[p] != null) {
                throw new IllegalStateException(impl + ": producer " + p + " failed", failures[p]);
            }
            total += rates[p];
        }
        handoff.close();
        return total;
    }

    /**
     * Sends until {@code until}; returns the sends per second from the first clock reading at or
     * after {@code from} to the last one, which is at or after {@code until}.
     */
    private static double produce(Handoffs.Handoff handoff, Object event, long from, long until)
            throws InterruptedException {
        long sent = 0;
        long atFrom = -1;
        long startedAt = 0;
        while (true) {
            if ((sent & 1023) == 0) {  // the clock costs as much as a send: read it every 1024
                long now = System.nanoTime();
                if (atFrom < 0 && now >= from) {
                    atFrom = sent;
                    startedAt = now;
                }
                if (now >= until) {
                    return (sent - atFrom) * 1e9 / Math.max(1, now - startedAt);
                }
            }
            handoff.send(event);
            sent++;
        }
    }

    private static double[] quartiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return new double[] {sorted[n / 4], sorted[n / 2], sorted[Math.min(n - 1, 3 * n / 4)]};
    }
}
