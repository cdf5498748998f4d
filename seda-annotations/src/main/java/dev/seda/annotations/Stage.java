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

    /** Events per handler call, {@code "n"} or {@code "min..max"}; more than 1 needs a {@code List} parameter. */
    String batch() default "1";
}
