package dev.seda.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method an event handler of its own stage: a bounded queue, a thread pool and the method.
 *
 * <p>The stage's input event is the method's parameter list without the emitter: one parameter is
 * the event itself, several are bundled into a generated record, and a single {@code List<E>}
 * parameter receives batches of {@code E}. When the stage has {@link Emits} targets its last
 * parameter is the generated emitter, {@code <Class>Out.<Stage>} (for stage {@code lookup} of
 * class {@code Haboob}: {@code HaboobOut.Lookup}).
 *
 * <p>The method must be non-private, non-static, non-generic and return {@code void}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Stage {
    /** Capacity that marks a queue as unbounded; the Maven plugin reports such a queue. */
    int UNBOUNDED = Integer.MAX_VALUE;

    /** The stage's name, unique in its graph; defaults to the method's name. */
    String name() default "";

    /** Thread bounds, {@code "n"} or {@code "min..max"}, with 1 &le; min &le; max. */
    String threads() default "1";

    /** Capacity of the stage's incoming queue, in events. */
    int queue() default 1024;

    /** What an emit does when this stage's queue is full. */
    QueueFull whenFull() default QueueFull.REJECT;

    /** With {@link QueueFull#BLOCK}: how long an emit waits for room before it is rejected. */
    long blockMillis() default 100;

    /**
     * Declares that this stage's output intentionally leaves the graph: it writes a reply, stores or
     * logs, so having no {@link Emits} is not a mistake. The Maven plugin reports a stage that emits
     * nothing and is not a sink ({@code SedaDeadEnd}).
     */
    boolean sink() default false;

    /**
     * Response-time targets in milliseconds, one per request class from the least important up; when
     * given, the stage's response-time overload controller admits at the rate that keeps each class's
     * 90th-percentile response time under its target, shedding lower classes first.
     */
    long[] responseTargetMillis() default {};

    /** Most events per second the stage admits (a token bucket); 0 for no limit. */
    double maxRate() default 0;

    /** Rejects an event while the queue holds this many or more (below the capacity); 0 for none. */
    int rejectAbove() default 0;

    /** Drops an event that waited longer than this before a thread took it (counted as expired); 0 for none. */
    long maxQueueAgeMillis() default 0;

    /** Queue length above which the thread-pool controller adds a thread (up to max); 0 for the default, 10. */
    int growAbove() default 0;

    /** Whether the stage runs its own threads or the graph's shared pool. */
    Pool pool() default Pool.DEFAULT;

    /** Events per handler call, {@code "n"} or {@code "min..max"}; more than 1 needs a {@code List} parameter. */
    String batch() default "1";
}
