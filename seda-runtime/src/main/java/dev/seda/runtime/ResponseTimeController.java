package dev.seda.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The USITS'03 response-time controller described by {@link OverloadControl}, apart from the
 * stage so that it can be tested with a fake clock. Admission is per class token buckets; samples
 * are response times of handled events; adjustments run on the thread that records the
 * {@code samples}-th sample, or on the control thread's {@link #tick} when the window ends.
 */
final class ResponseTimeController {
    static final double SMOOTHING = 0.7;   // alpha: weight of the old 90th percentile
    static final double INCREASE_BELOW = -0.5;  // err_i: grow only under half the target
    static final double INCREASE_OFFSET = -0.1; // c_i
    // Growth per adjustment, as a share of the rate the class was really handled at: a rate that was
    // cut far below capacity comes back in a few windows instead of a few minutes.
    static final double GROWTH = 0.2;
    // Slots of per-source admission credit, per class; sources that share a slot share its credit.
    static final int SOURCE_SLOTS = 4096;

    private final OverloadControl control;
    private final LongSupplier clock;
    private final int classes;
    private final long[] targets;        // nanos, per class; guarded by this
    private final Bucket[] buckets;
    private final long[][] samples;      // per class, this window's response times
    private final int[] counts;
    private final long[] handled;        // per class, this window (all handled, beyond the samples kept)
    private final int[] stale;           // per class, this window: events admitted before the last cut
    private final LongAdder[] arrivals;  // per class, this window: events offered
    private final LongAdder[] waitRefusals;  // per class, this window: refused for the wait they would have had
    private final double[] admitShare;   // per class: the share of arrivals admitted; 1 for all
    // Per class and source slot: admission credit, in events. Racy updates from offering threads
    // may lose an increment now and then; the share stays about right, and no lock is taken.
    private final double[][] credit;
    private volatile long meanServiceNanos;  // EWMA, 0 until the first event is handled
    private int lastThreads = 1;  // the stage's workers as the last offer saw them; racy, and that is fine
    private volatile double[] waitLimits;    // nanos, per class: see waitLimits()
    // A class counts as present for ACTIVE_NANOS after a window in which some of its events arrived;
    // only present classes hold the classes below them to half their own wait limit.
    static final long ACTIVE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private final long[] lastArrival;        // per class: end of the last window with arrivals
    private final boolean[] present;
    private boolean everCut;
    private long lastCut;
    private final double[] smoothed;     // nanos; -1 until measured
    private int total;
    private long windowStart;
    private volatile boolean overloaded;
    private volatile long lastP90;

    ResponseTimeController(OverloadControl control, LongSupplier clock) {
        this.control = control;
        this.clock = clock;
        this.classes = control.classes();
        this.targets = control.targets().stream().mapToLong(Duration::toNanos).toArray();
        this.present = new boolean[classes];  // none yet: each class may wait up to half its own target
        this.lastArrival = new long[classes];
        this.waitLimits = waitLimits(targets, present);
        long now = clock.getAsLong();
        this.buckets = new Bucket[classes];
        for (int c = 0; c < classes; c++) {
            buckets[c] = new Bucket(control.initialRate(), now);
        }
        this.samples = new long[classes][control.samples()];
        this.counts = new int[classes];
        this.handled = new long[classes];
        this.stale = new int[classes];
        this.arrivals = new LongAdder[classes];
        this.waitRefusals = new LongAdder[classes];
        this.admitShare = new double[classes];
        for (int c = 0; c < classes; c++) {
            arrivals[c] = new LongAdder();
            waitRefusals[c] = new LongAdder();
            admitShare[c] = 1;
        }
        this.credit = new double[classes][SOURCE_SLOTS];
        for (double[] perClass : credit) {
            for (int i = 0; i < SOURCE_SLOTS; i++) {
                perClass[i] = ThreadLocalRandom.current().nextDouble();  // sources start out of step
            }
        }
        this.smoothed = new double[classes];
        Arrays.fill(smoothed, -1);
        this.windowStart = now;
    }

    int classes() {
        return classes;
    }

    /**
     * Admits an event of the class, or not. While a class is limited, each event must first have its
     * share, rate / arrival rate (of the last window), then find a token in the bucket. The bucket
     * alone admits whichever arrivals come just after it refills: with clients that send at a steady
     * pace, the same clients every time, so shedding would not be spread fairly. The share spreads
     * it: a {@link Sourced} event's source earns the share in credit with each event and spends a
     * whole one per admission, so each source gets its share, in turn; any other event is drawn at
     * random with that probability. The bucket still caps a burst the last window did not foresee.
     */
    boolean tryAdmit(int cls) {
        return tryAdmit(cls, 0, 1, null);
    }

    /**
     * As {@link #tryAdmit(int)}, but first refuses an event that would wait longer than its class's
     * limit (about half its target; see {@link #waitLimits}) behind the {@code queued} events, at the
     * mean service time over {@code threads} workers (Little's law). The rate adapts once per window; this guard holds from the first event
     * on, so a burst or a rate that is still too high cannot build a queue that keeps every admitted
     * event late for as long as it takes to drain.
     */
    boolean tryAdmit(int cls, int queued, int threads, Object event) {
        arrivals[cls].increment();
        lastThreads = threads;
        long service = meanServiceNanos;
        if (service > 0 && (double) queued * service / Math.max(1, threads) > waitLimits[cls]) {
            waitRefusals[cls].increment();
            return false;
        }
        double share = admitShare[cls];
        if (share >= 1) {
            return buckets[cls].tryAcquire(clock.getAsLong());
        }
        if (!(event instanceof Sourced s)) {
            return ThreadLocalRandom.current().nextDouble() < share && buckets[cls].tryAcquire(clock.getAsLong());
        }
        double[] credits = credit[cls];
        int slot = slot(s.source());
        double c = credits[slot] + share;
        if (c < 1) {
            credits[slot] = c;
            return false;
        }
        // The share already keeps the rate, so the bucket may lend up to its depth: a bucket that
        // refused at once would refuse whoever comes last in a burst, every time.
        Bucket bucket = buckets[cls];
        if (!bucket.tryAcquire(clock.getAsLong(), bucket.depth())) {
            credits[slot] = Math.min(c, 2);  // not its fault: the credit waits for the next event
            return false;
        }
        credits[slot] = c - 1;
        return true;
    }

    private static int slot(long source) {
        long h = source * 0x9E3779B97F4A7C15L;  // Fibonacci hashing: consecutive ids spread over the slots
        return (int) (h >>> (64 - Integer.numberOfTrailingZeros(SOURCE_SLOTS)));
    }

    double rate(int cls) {
        return buckets[cls].rate();
    }

    /** Each class's admission rate in events/s, least important first. */
    double[] rates() {
        double[] r = new double[classes];
        for (int c = 0; c < classes; c++) {
            r[c] = buckets[c].rate();
        }
        return r;
    }

    boolean overloaded() {
        return overloaded;
    }

    /** The last smoothed 90th percentile of the most important class with samples, in nanos. */
    long lastP90() {
        return lastP90;
    }

    synchronized Duration[] targets() {
        Duration[] d = new Duration[classes];
        for (int c = 0; c < classes; c++) {
            d[c] = Duration.ofNanos(targets[c]);
        }
        return d;
    }

    synchronized void setTargets(Duration[] perClass) {
        for (int c = 0; c < classes; c++) {
            targets[c] = perClass[c].toNanos();
        }
        waitLimits = waitLimits(targets, present);
    }

    /**
     * The longest predicted wait each class is admitted with: half its own target, and at most half
     * the limit of the nearest more important class that is {@code present}, so that as a queue grows
     * the lower classes are refused first. A class with no traffic holds no one back: alone, the
     * least important class may queue up to half its own target, as the most important one may.
     */
    static double[] waitLimits(long[] targets, boolean[] present) {
        double[] limits = new double[targets.length];
        double above = Double.POSITIVE_INFINITY;  // the limit of the nearest present class above
        for (int c = targets.length - 1; c >= 0; c--) {
            limits[c] = Math.min(targets[c] / 2.0, above / 2);
            if (present[c]) {
                above = limits[c];
            }
        }
        return limits;
    }

    /** A handler call that took {@code nanos} for {@code events} events: feeds the mean service time. */
    void serviceTime(long nanos, int events) {
        long perEvent = nanos / Math.max(1, events);
        long old = meanServiceNanos;
        // Racy between workers, and that is fine: an average, not a count.
        meanServiceNanos = old == 0 ? perEvent : (long) (0.9 * old + 0.1 * perEvent);
    }

    long meanServiceNanos() {
        return meanServiceNanos;
    }

    /** One handled (or expired) event's response time; may adjust. */
    List<ControllerDecisionDraft> record(int cls, long responseNanos) {
        return record(cls, responseNanos, clock.getAsLong());
    }

    /**
     * One handled (or expired) event's response time, measured at {@code now}; may adjust. An event
     * admitted before the last cut says nothing about the rate set since: it waited behind the
     * backlog that caused the cut. Judging the new rate on it would cut again and again while that
     * backlog drains, far below capacity; so it is counted, but not sampled.
     */
    List<ControllerDecisionDraft> record(int cls, long responseNanos, long now) {
        synchronized (this) {
            handled[cls]++;
            if (everCut && now - responseNanos - lastCut < 0) {
                stale[cls]++;
            } else if (counts[cls] < samples[cls].length) {
                samples[cls][counts[cls]++] = responseNanos;
            }
            if (++total < control.samples()) {
                return List.of();
            }
            return adjust(clock.getAsLong());
        }
    }

    /** Ends a window that produced fewer than {@code samples} samples. */
    synchronized List<ControllerDecisionDraft> tick() {
        long now = clock.getAsLong();
        if (now - windowStart < control.window().toNanos()) {
            return List.of();
        }
        return adjust(now);
    }

    /** A decision before the stage stamps it with its name and the time. */
    record ControllerDecisionDraft(String action, double from, double to, String reason) {}

    private List<ControllerDecisionDraft> adjust(long now) {
        double seconds = Math.max(1e-9, (now - windowStart) / 1e9);
        boolean[] over = new boolean[classes];
        boolean[] measured = new boolean[classes];
        double[] windowP90 = new double[classes];
        double[] throughput = new double[classes];
        for (int c = 0; c < classes; c++) {
            throughput[c] = handled[c] / seconds;
            if (counts[c] > 0) {
                long[] s = Arrays.copyOf(samples[c], counts[c]);
                Arrays.sort(s);
                long p90 = Reservoir.percentile(s, 0.90);
                windowP90[c] = p90;
                smoothed[c] = smoothed[c] < 0 ? p90 : SMOOTHING * smoothed[c] + (1 - SMOOTHING) * p90;
                measured[c] = true;
                // Over only when this window is over too: the average alone still remembers a
                // backlog that is gone, and cutting on it undershoots far below capacity.
                over[c] = smoothed[c] > targets[c] && p90 > targets[c];
            }
        }
        List<ControllerDecisionDraft> out = new ArrayList<>();
        boolean[] cut = new boolean[classes];
        for (int c = classes - 1; c >= 0; c--) {
            if (!over[c]) {
                continue;
            }
            boolean shedLower = false;
            for (int lower = 0; lower < c; lower++) {
                if (!cut[lower] && buckets[lower].rate() > control.minRate()) {
                    cut[lower] = true;
                    shedLower = true;
                    setRate(lower, decreased(lower, throughput[lower], control.lowerClassDecrease()), now, "shed-lower",
                            String.format("class %d p90 %.1f ms over its target %.1f ms: shedding lower classes first",
                                    c, smoothed[c] / 1e6, targets[c] / 1e6), out);
                }
            }
            if (!shedLower && !cut[c]) {
                cut[c] = true;
                setRate(c, decreased(c, throughput[c], control.decrease()), now, "decrease",
                        String.format("class %d p90 %.1f ms over its target %.1f ms", c, smoothed[c] / 1e6,
                                targets[c] / 1e6), out);
            }
        }
        long[] refused = new long[classes];
        for (int c = 0; c < classes; c++) {
            refused[c] = waitRefusals[c].sumThenReset();
            long service = meanServiceNanos;
            if (refused[c] > 0 && !cut[c] && !over[c] && service > 0) {
                // Demand is past what the stage can handle: admit at its capacity (workers over the
                // mean service time), so that the random share spreads the shedding and the wait guard
                // only trims bursts. Not at the rate handled: the bucket bounds that, so it could
                // only ever go down.
                double capacity = Math.max(control.minRate(), Math.max(1, lastThreads) * 1e9 / service);
                if (Math.abs(capacity - buckets[c].rate()) > 0.05 * capacity) {
                    cut[c] = capacity < buckets[c].rate();
                    setRate(c, capacity, now, "limit", String.format("class %d: %d events would have waited past"
                            + " half the target; admitting at the stage's capacity, %.0f/s", c, refused[c], capacity),
                            out);
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            if (cut[c] || over[c] || refused[c] > 0) {
                continue;
            }
            if (!measured[c] && stale[c] > 0) {
                continue;  // only events from before the last cut: wait for evidence about the new rate
            }
            // No sample at all is no evidence of overload: treat it as an idle class. Judged on the
            // lower of the average and this window, mirroring the cut: the average alone remembers a
            // backlog that is gone for several windows, and growth would wait for it to forget.
            double err = measured[c] ? (Math.min(smoothed[c], windowP90[c]) - targets[c]) / targets[c] : -1;
            double rate = buckets[c].rate();
            if (err < INCREASE_BELOW && rate < control.maxRate()) {
                // Additive as in the paper, plus a share of what the class was really handled at: while
                // the bucket is what limits it, that grows it multiplicatively.
                double step = Math.max(control.increase(), GROWTH * Math.min(rate, throughput[c]));
                double next = Math.min(control.maxRate(), rate + step * (-err + INCREASE_OFFSET));
                setRate(c, next, now, "increase", measured[c]
                        ? String.format("class %d p90 %.1f ms under its target %.1f ms", c, smoothed[c] / 1e6,
                                targets[c] / 1e6)
                        : String.format("class %d handled nothing this window", c), out);
            }
        }
        boolean anyOver = false;
        for (int c = classes - 1; c >= 0; c--) {
            anyOver |= over[c] || refused[c] > 0;
        }
        for (int c = classes - 1; c >= 0; c--) {
            if (measured[c]) {
                lastP90 = (long) smoothed[c];
                break;
            }
        }
        overloaded = anyOver;
        boolean presenceChanged = false;
        for (int c = 0; c < classes; c++) {
            long arrived = arrivals[c].sumThenReset();
            if (arrived > 0) {
                lastArrival[c] = now;
            }
            boolean isPresent = arrived > 0 || (present[c] && now - lastArrival[c] < ACTIVE_NANOS);
            presenceChanged |= isPresent != present[c];
            present[c] = isPresent;
            double arrivalRate = arrived / seconds;
            double rate = buckets[c].rate();
            // Racy reads by tryAdmit are fine: a stale share for a moment, and the bucket still caps.
            admitShare[c] = rate == Double.POSITIVE_INFINITY || arrivalRate <= rate ? 1 : rate / arrivalRate;
        }
        if (presenceChanged) {
            waitLimits = waitLimits(targets, present);
        }
        Arrays.fill(counts, 0);
        Arrays.fill(handled, 0);
        Arrays.fill(stale, 0);
        total = 0;
        windowStart = now;
        return out;
    }

    private double decreased(int cls, double throughput, double factor) {
        // Start from what was really handled when the bucket allows more: else the first cuts
        // only lower an unused allowance.
        double from = Math.min(buckets[cls].rate(), Math.max(throughput, control.minRate()));
        return Math.max(control.minRate(), from / factor);
    }

    private void setRate(int cls, double rate, long now, String action, String reason, List<ControllerDecisionDraft> out) {
        double before = buckets[cls].rate();
        if (rate == before) {
            return;
        }
        buckets[cls].setRate(rate, now);
        if (rate < before) {
            everCut = true;
            lastCut = now;
        }
        out.add(new ControllerDecisionDraft(action, before, rate, reason));
    }
}
