package dev.seda.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * A ring of {@code stages} stages, each with its own thread and inbox, with {@code events} events
 * going round. The score that matters is the secondary metric {@code hops}: hops per second made by
 * all stages together (with one event, 1e9 / hops is the nanoseconds per hop). The benchmark thread
 * itself only sleeps in 10 ms naps, so that it takes no core from the ring.
 *
 * <p>With 2 cores and up to 100 stage threads, this measures mostly how cheaply a stage hands the
 * core to the next one: a hop of a lone event often wakes a parked thread. {@code seda-stage} is a
 * ring of real stages; {@code seda} and {@code ltq} run the same threads and the same loop
 * ({@link Rings.ThreadRing}), and only the inbox and its waiting differ.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class RingBenchmark {
    @Param({"seda-stage", "seda", "ltq"})
    public String impl;

    @Param({"2", "10", "100"})
    public int stages;

    @Param({"1", "1000"})
    public int events;

    private Rings.Ring ring;

    @Setup(Level.Trial)
    public void start() {
        ring = Rings.create(impl, stages, events);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        ring.close();
    }

    /** Hops counted over one iteration; JMH divides by the iteration's time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Hops {
        private Rings.Ring ring;
        private long base;

        @Setup(Level.Iteration)
        public void begin(RingBenchmark benchmark) {
            ring = benchmark.ring;
            base = ring.hops();
        }

        public long hops() {
            return ring.hops() - base;
        }
    }

    @Benchmark
    public void ring(Hops hops) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
}
