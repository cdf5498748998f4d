package dev.seda.benchmarks;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import dev.seda.runtime.Execution;
import dev.seda.runtime.SedaGraph;
import dev.seda.runtime.Stage;
import dev.seda.runtime.StageSettings;
import dev.seda.runtime.WhenFull;
import dev.seda.runtime.internal.BoundedMpmcQueue;
import dev.seda.runtime.internal.Waiters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One stage-to-stage handoff each: producers call {@link Handoff#send}, which waits while the queue
 * is full (backpressure, never a rejection); one consumer thread takes events in batches and runs a
 * no-op handler on each. Only the queue and its waiting differ between the implementations.
 *
 * <p>Consumers write no field per event: a count kept next to the fields producers read (the queue,
 * the stage) put a cache line between the two threads on every event, and that, not the queue, was
 * what the figures before run 7 measured for every implementation but the Disruptor.
 */
final class Handoffs {
    /** The stage default queue capacity; the Disruptor's ring has the same size. */
    static final int CAPACITY = 1024;
    /** Most events a consumer takes at once. */
    static final int BATCH = 256;
    /** Stage.RUN: the most events a single-threaded stage's worker claims at once. */
    static final int RUN = 32;
    /** Stage.SLIP_YIELDS: a caught-up worker's yields before it looks again. */
    static final int SLIP_YIELDS = 4;
    /** Spins before yielding, for every seda waiter in these benchmarks: the runtime's by default. */
    static final int SPINS = Integer.getInteger("seda.bench.spins", Waiters.SPINS);
    /** Yields after spinning, before parking (see Waiters#await), of a consumer waiting for events. */
    static final int YIELDS = Integer.getInteger("seda.bench.yields", Waiters.IDLE_YIELDS);
    /** The same for a producer waiting for room. */
    static final int BLOCK_YIELDS = Integer.getInteger("seda.bench.block-yields", Waiters.BLOCK_YIELDS);
    /** How long an idle seda waiter parks before it re-checks whether it should stop. */
    static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Handoffs() {
    }

    abstract static class Handoff {
        /** Hands one event to the consumer, waiting while the queue is full. */
        abstract void send(Object event) throws InterruptedException;

        /** Stops the consumer. */
        abstract void close() throws InterruptedException;
    }

    static Handoff create(String impl) {
        switch (impl) {
            case "seda-queue":
                return new SedaQueue();
            case "seda-stage":
                return new SedaStage(false);
            case "seda-stage-shared":
                return new SedaStage(true);
            case "abq":
                return new Abq(true);
            case "abq-take":
                return new Abq(false);
            case "disruptor":
                return new DisruptorHandoff();
            default:
                throw new IllegalArgumentException("unknown implementation " + impl);
        }
    }

    /**
     * BoundedMpmcQueue and Waiters alone, used the way a single-threaded stage's worker uses them,
     * without the rest of a stage: offer then signal; the worker claims a run of up to {@link #RUN}
     * events with one CAS and releases each (and signals room) just before handling it; a worker that
     * caught up with busy producers slips (a few yields, so that it takes the next events a run at a
     * time instead of trading each slot's cache lines with the producer); an idle worker spins
     * briefly and parks on a Waiters. Against seda-stage, it shows what a stage costs over its queue.
     */
    static final class SedaQueue extends Handoff {
        private final BoundedMpmcQueue<Object> queue = new BoundedMpmcQueue<>(CAPACITY);
        private final Waiters notEmpty = new Waiters();
        private final Waiters notFull = new Waiters();
        private volatile boolean running = true;
        private final Thread consumer;

        SedaQueue() {
            consumer = new Thread(this::consume, "seda-queue-consumer");
            consumer.setDaemon(true);
            consumer.start();
        }

        private void consume() {
            Object[] run = new Object[RUN];
            while (running) {
                int n = queue.claim(run, RUN);
                if (n == 0) {
                    notEmpty.await(() -> !queue.isEmpty() || !running, SPINS, YIELDS, IDLE_NANOS);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    Object e = run[i];
                    run[i] = null;
                    queue.release(1);
                    notFull.signal();
                    Blackholes.handle(e);
                }
                if (n < RUN && !queue.isEmpty()) {
                    for (int i = 0; i < SLIP_YIELDS; i++) {
                        Thread.yield();
                    }
                }
            }
        }

        @Override
        void send(Object event) {
            while (!queue.offer(event)) {
                notFull.await(() -> !queue.isFull(), SPINS, BLOCK_YIELDS, IDLE_NANOS);
            }
            notEmpty.signal();
        }

        @Override
        void close() throws InterruptedException {
            running = false;
            notEmpty.signalAll();
            consumer.join();
        }
    }

    /**
     * ArrayBlockingQueue: put; the worker takes one and (batching) drains up to a batch more, or
     * (not batching) handles each event it takes, the way a hand-written stage thread or a
     * ThreadPoolExecutor worker does.
     */
    static final class Abq extends Handoff {
        private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
        private final boolean batching;
        private volatile boolean running = true;
        private final Thread consumer;

        Abq(boolean batching) {
            this.batching = batching;
            consumer = new Thread(batching ? this::consume : this::consumeOneByOne, "abq-consumer");
            consumer.setDaemon(true);
            consumer.start();
        }

        private void consume() {
            List<Object> batch = new ArrayList<>(BATCH);
            while (running) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    continue;
                }
                queue.drainTo(batch, BATCH - 1);
                for (int i = 0, n = batch.size(); i < n; i++) {
                    Blackholes.handle(batch.get(i));
                }
                batch.clear();
            }
        }

        private void consumeOneByOne() {
            while (running) {
                try {
                    Blackholes.handle(queue.take());
                } catch (InterruptedException e) {
                    // stopping: running is false now
                }
            }
        }

        @Override
        void send(Object event) throws InterruptedException {
            queue.put(event);
        }

        @Override
        void close() throws InterruptedException {
            running = false;
            consumer.interrupt();
            consumer.join();
        }
    }

    /**
     * The real thing: a one-stage SedaGraph with BLOCK, so a full queue waits. The stage takes one
     * event at a time (an EventHandler, batch 1) and does everything a stage does per event:
     * admission, counters, latency sampling, pending count. Its own worker thread, or (shared) a
     * shared pool of one worker, so that there is still one consumer.
     */
    static final class SedaStage extends Handoff {
        private final SedaGraph graph;
        private final Stage<Object> stage;

        SedaStage(boolean shared) {
            SedaGraph.Builder b = SedaGraph.builder("bench");
            if (shared) {
                b.sharedPool(1);
            }
            stage = b.stage(StageSettings.of("sink").queue(CAPACITY).whenFull(WhenFull.BLOCK, Duration.ofSeconds(10))
                    .execution(shared ? Execution.SHARED : Execution.OWN_THREADS));
            b.handler(stage, Blackholes::handle);
            graph = b.build();
            graph.start();
        }

        @Override
        void send(Object event) {
            if (!stage.offer(event)) {
                throw new IllegalStateException("the stage rejected an event: it should have blocked");
            }
        }

        @Override
        void close() {
            graph.stop(Duration.ofSeconds(10));
        }
    }

    /** LMAX Disruptor 4: multi-producer ring of the same size, one BatchEventProcessor, YieldingWaitStrategy. */
    static final class DisruptorHandoff extends Handoff {
        static final class Slot {
            Object event;
        }

        private static final EventTranslatorOneArg<Slot, Object> PUT = (slot, sequence, event) -> slot.event = event;

        private final Disruptor<Slot> disruptor;
        private final RingBuffer<Slot> ring;

        static final class Handler implements EventHandler<Slot> {
            @Override
            public void onEvent(Slot slot, long sequence, boolean endOfBatch) {
                Blackholes.handle(slot.event);
            }
        }

        DisruptorHandoff() {
            disruptor = new Disruptor<>(Slot::new, CAPACITY, DaemonThreadFactory.INSTANCE, ProducerType.MULTI,
                    new YieldingWaitStrategy());
            disruptor.handleEventsWith(new Handler());
            ring = disruptor.start();
        }

        @Override
        void send(Object event) {
            ring.publishEvent(PUT, event);  // next() waits (parkNanos(1) loop) while the ring is full
        }

        @Override
        void close() {
            disruptor.halt();
        }
    }
}
