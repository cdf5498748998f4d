package dev.seda.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Stage-to-stage handoff throughput: JMH's threads are the producers, each operation hands one event
 * to a single consumer thread that handles it with a no-op handler. A producer that finds the queue
 * full waits (each implementation its own way), so in steady state the score is the rate at which
 * events really cross from producer to consumer, not the rate of failed offers.
 *
 * <p>{@code impl}: {@code seda-queue} (BoundedMpmcQueue + Waiters alone, the consumer taking them
 * as a one-thread stage's worker does: runs of up to 32, a slip when caught up), {@code seda-stage}
 * (a real {@code Stage} in a {@code SedaGraph}: the same queue and Waiters plus everything a stage
 * does per event, one event per handler call, its own worker),
 * {@code seda-stage-shared} (the same on a shared pool of one worker), {@code abq}
 * (ArrayBlockingQueue, put / take + drainTo), {@code abq-take} (ArrayBlockingQueue, put / take, one
 * event per take, as a hand-written stage thread or a ThreadPoolExecutor worker does), and
 * {@code disruptor} (LMAX Disruptor 4.0.0, multi-producer, YieldingWaitStrategy).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HandoffBenchmark {
    private static final Object EVENT = new Object();

    @Param({"seda-queue", "seda-stage", "seda-stage-shared", "abq", "abq-take", "disruptor"})
    public String impl;

    private Handoffs.Handoff handoff;

    @Setup(Level.Trial)
    public void start() {
        handoff = Handoffs.create(impl);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        handoff.close();
    }

    @Benchmark
    @Threads(1)
    public void oneProducer() throws InterruptedException {
        handoff.send(EVENT);
    }

    @Benchmark
    @Threads(2)
    public void twoProducers() throws InterruptedException {
        handoff.send(EVENT);
    }

    /** More producers than cores: each one's turn on a core is a burst that can fill the queue. */
    @Benchmark
    @Threads(4)
    public void fourProducers() throws InterruptedException {
        handoff.send(EVENT);
    }
}
