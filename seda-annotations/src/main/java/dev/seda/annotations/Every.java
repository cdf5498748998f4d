package dev.seda.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Feeds a {@link Stage} from a periodic timer: the method takes one {@code dev.seda.runtime.Tick}
 * (plus its emitter) and receives one every period while the graph runs. The command line option
 * {@code --<stage>.every-ms} overrides the period. A timer stage is a source of the graph.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Every {
    /** The period in milliseconds, at least 1. */
    long millis();
}
