package dev.seda.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a plain class whose {@link Stage} methods form one stage graph.
 *
 * <p>For a class {@code Haboob} the processor generates, in the same package:
 * {@code HaboobOut} (one typed emitter per stage), {@code HaboobGraph} (the event records and a
 * factory that builds the runtime graph in plain Java), {@code HaboobMain} (a runnable server main)
 * and the descriptor {@code META-INF/seda/<name>.json} read by the Maven plugin.
 *
 * <p>The class needs a constructor the generated main can call: a public one taking
 * {@code dev.seda.runtime.Config} (the parsed command line), or a public no-argument one.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface StageGraph {
    /** The graph's name: lower-case letters, digits and dashes; names the descriptor and the diagram. */
    String value();

    /**
     * Parts of the same graph compiled in other modules (classes on the class path, annotated with the
     * same graph name): this class's stages may emit to theirs, and the generated factory and main
     * run them all as one graph. A graph spans modules this way; within one module, keep a graph's
     * stages in one class.
     */
    Class<?>[] includes() default {};

    /** {@link #sharedThreads()}: one shared worker per processor the JVM may use, as counted at start-up. */
    int CORES = -1;

    /**
     * Size of a pool of worker threads shared by the stages; 0 for none (each stage runs its own
     * threads), {@link #CORES} for one per processor.
     */
    int sharedThreads() default 0;
}
