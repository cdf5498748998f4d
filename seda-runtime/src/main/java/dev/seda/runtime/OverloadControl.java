package dev.seda.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * The response-time overload controller's knobs (Welsh &amp; Culler, "Adaptive Overload Control for
 * Busy Internet Servers", USITS'03).
 *
 * <p>Events belong to request classes {@code 0..targets.size()-1}; a <b>higher class is more
 * important</b>, and each has its own 90th-percentile response-time target (response time = queueing
 * delay + service time in this stage). Each class is admitted by its own token bucket. After every
 * {@code samples} handled events or every {@code window}, whichever comes first, the controller
 * computes each class's 90th percentile, smooths it (EWMA, 0.7 of the old value), and:
 * <ul>
 *   <li>for a class over its target (both smoothed and in this window: a deviation from the paper,
 *       whose smoothed value alone kept cutting for several windows after a backlog was gone and so
 *       undershot far below capacity), from the highest class down: if a lower class still admits
 *       more than {@code minRate}, every lower class's rate is divided by {@code lowerClassDecrease}
 *       (they are shed first); otherwise the class's own rate is divided by {@code decrease};</li>
 *   <li>for a class under half its target that was not cut (the lower of the smoothed value and this
 *       window's), the rate grows by {@code max(increase, 0.2 × handled rate) × (headroom − 0.1)},
 *       headroom being 1 − p90/target, up to {@code maxRate}: additive as in the paper while the class
 *       is idle, multiplicative while the bucket is what limits it (a deviation: additive steps of 10/s
 *       took minutes to climb back to a capacity of hundreds per second after one backlog).</li>
 * </ul>
 * Besides the buckets, a wait guard refuses at once an event that would wait longer than about half
 * its class's target (queue length × mean service time ÷ threads; each lower class at most half the
 * limit of the class above, so lower classes go first); a window with such refusals sets the class's
 * rate to the rate it was handled at. The buckets adapt once per window; the guard holds for every
 * event, so a burst cannot build a queue that keeps admitted events late while it drains.
 * Events admitted before the last cut are counted but not sampled: they waited behind the backlog that
 * caused the cut and say nothing about the new rate; a window with only such events changes nothing.
 * A decrease starts from the rate the class was actually handled at when that is lower than its
 * bucket rate, so that the first cut bites at once instead of spending adjustments above the real
 * throughput (a deviation from the paper, where the rate starts at a tuned rate_max).
 *
 * @param targets per class, from class 0 (least important) up; at least one, all positive
 * @param classifier gives an event's class; {@code null}: everything is class 0 (an explicit
 *     {@link Stage#offer(Object, int)} overrides it)
 * @param initialRate events/s each class starts at; infinity: no limit until the first overload
 */
public record OverloadControl(List<Duration> targets, ToIntFunction<Object> classifier, int samples, Duration window,
                              double initialRate, double minRate, double maxRate, double increase,
                              double decrease, double lowerClassDecrease) {

    public OverloadControl {
        targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("overload control needs at least one class target");
        }
        for (Duration t : targets) {
            ThreadPoolControl.checkPositive(t, "response-time target");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("overload control samples must be at least 1, got " + samples);
        }
        ThreadPoolControl.checkPositive(window, "overload control window");
        if (!(minRate > 0) || !(maxRate >= minRate) || !(initialRate >= minRate) || !(initialRate <= maxRate)) {
            throw new IllegalArgumentException("overload control rates must satisfy 0 < min <= initial <= max, got min "
                    + minRate + ", initial " + initialRate + ", max " + maxRate);
        }
        if (!(increase > 0) || !(decrease > 1) || !(lowerClassDecrease > 1)) {
            throw new IllegalArgumentException("overload control needs increase > 0 and decrease factors > 1, got "
                    + increase + ", " + decrease + ", " + lowerClassDecrease);
        }
    }

    /**
     * One class per target, lowest first. Defaults: 100 samples or 1 s, no limit at first, rates
     * between 1 and infinity events/s, additive increase 10 events/s per adjustment at full headroom,
     * decrease /1.2, lower classes /10.
     */
    public static OverloadControl of(Duration... perClass) {
        return new OverloadControl(List.of(perClass), null, 100, Duration.ofSeconds(1),
                Double.POSITIVE_INFINITY, 1, Double.POSITIVE_INFINITY, 10, 1.2, 10);
    }

    /** One class, one 90th-percentile target. */
    public static OverloadControl target(Duration p90) {
        return of(p90);
    }

    public int classes() {
        return targets.size();
    }

    public OverloadControl classifier(ToIntFunction<Object> c) {
        return new OverloadControl(targets, c, samples, window, initialRate, minRate, maxRate, increase, decrease,
                lowerClassDecrease);
    }

    public OverloadControl measure(int everySamples, Duration orWindow) {
        return new OverloadControl(targets, classifier, everySamples, orWindow, initialRate, minRate, maxRate,
                increase, decrease, lowerClassDecrease);
    }

    public OverloadControl rates(double initial, double min, double max) {
        return new OverloadControl(targets, classifier, samples, window, initial, min, max, increase, decrease,
                lowerClassDecrease);
    }

    public OverloadControl steps(double additiveIncrease, double decreaseFactor, double lowerClassFactor) {
        return new OverloadControl(targets, classifier, samples, window, initialRate, minRate, maxRate,
                additiveIncrease, decreaseFactor, lowerClassFactor);
    }
}
