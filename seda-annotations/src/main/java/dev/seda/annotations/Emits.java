package dev.seda.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the stages a {@link Stage} method sends events to. The generated emitter parameter gets one
 * method per target, taking exactly the target's input parameters and returning whether the target
 * admitted the event.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Emits {
    /** Names of the target stages, in the same graph. */
    String[] value();
}
