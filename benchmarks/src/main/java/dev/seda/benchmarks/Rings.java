package dev.seda.benchmarks;

import dev.seda.runtime.SedaGraph;
import dev.seda.runtime.Stage;
import dev.seda.runtime.StageSettings;
import dev.seda.runtime.WhenFull;
import dev.seda.runtime.internal.BoundedMpmcQueue;
import dev.seda.runtime.internal.Waiters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * A ring of k stages: k threads, stage i takes from its inbox and sends to stage (i + 1) mod k.
 * {@code seda} and {@code ltq} run the very same loop (block for one event, take up to a batch more
 * without waiting, forward them all); only the inbox differs. {@code seda-stage} is the product
 * itself: k real stages of a {@link SedaGraph}, each with its own worker, whose handler offers the
 * event to the next stage. Inboxes never fill: their capacity exceeds the number of events in flight.
 */
final class Rings {
    static final int CAPACITY = 1024;
    static final int BATCH = Handoffs.BATCH;
    // Padding between the stages' hop counters: 16 longs = two cache lines.
    private static final int STRIDE = 16;

    private Rings() {
    }

    abstract static class Inbox {
        /** Never blocks: the ring's inboxes are never full. */
        abstract void send(Object event);

        /** Waits for one event. */
        abstract Object take() throws InterruptedException;

        /** Moves up to {@code max} queued events into {@code into}, without waiting. */
        abstract int drainTo(List<Object> into, int max);

        static Inbox create(String impl) {
            switch (impl) {
                case "seda":
                    return new SedaInbox();
                case "ltq":
                    return new LtqInbox();
                default:
                    throw new IllegalArgumentException("unknown implementation " + impl);
            }
        }
    }

    /**
     * BoundedMpmcQueue + Waiters: spin {@link Handoffs#SPINS} times, yield {@link Handoffs#YIELDS}
     * times, then park until signalled.
     */
    static final class SedaInbox extends Inbox {
        private final BoundedMpmcQueue<Object> queue = new BoundedMpmcQueue<>(CAPACITY);
        private final Waiters notEmpty = new Waiters();
        private List<Object> target;
        private Consumer<Object> add;

        @Override
        void send(Object event) {
            if (!queue.offer(event)) {
                throw new IllegalStateException("ring inbox full: more events in flight than its capacity");
            }
            notEmpty.signal();
        }

        @Override
        Object take() throws InterruptedException {
            Object e;
            while ((e = queue.poll()) == null) {
                if (!notEmpty.await(() -> !queue.isEmpty(), Handoffs.SPINS, Handoffs.YIELDS, Handoffs.IDLE_NANOS)
                        && Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return e;
        }

        @Override
        int drainTo(List<Object> into, int max) {
            if (into != target) {  // one owner thread, one list: build the method reference once
                target = into;
                add = into::add;
            }
            return queue.drain(add, max);
        }
    }

    /** LinkedTransferQueue: offer hands an event straight to a waiting taker; take yields once, then parks. */
    static final class LtqInbox extends Inbox {
        private final LinkedTransferQueue<Object> queue = new LinkedTransferQueue<>();

        @Override
        void send(Object event) {
            queue.offer(event);
        }

        @Override
        Object take() throws InterruptedException {
            return queue.take();
        }

        @Override
        int drainTo(List<Object> into, int max) {
            return queue.drainTo(into, max);
        }
    }

    /** A running ring. */
    interface Ring {
        /** Hops made so far by all stages. */
        long hops();

        void close() throws InterruptedException;
    }

    static Ring create(String impl, int stages, int events) {
        if (events > CAPACITY) {
            throw new IllegalArgumentException("at most " + CAPACITY + " events in flight");
        }
        return impl.equals("seda-stage") ? new StageRing(stages, events) : new ThreadRing(impl, stages, events);
    }

    /** Hops made so far: the sum of the per-stage counters at slots STRIDE, 2 * STRIDE, ... */
    private static long sum(AtomicLongArray hops, int stages) {
        long sum = 0;
        for (int i = 1; i <= stages; i++) {
            sum += hops.get(i * STRIDE);
        }
        return sum;
    }

    /** Real stages: stage i's handler offers the event to stage i + 1 and counts the hop. */
    static final class StageRing implements Ring {
        private final SedaGraph graph;
        private final AtomicLongArray hops;
        private final int stages;

        StageRing(int stages, int events) {
            this.stages = stages;
            SedaGraph.Builder b = SedaGraph.builder("ring");
            List<Stage<Object>> ring = new ArrayList<>();
            for (int i = 0; i < stages; i++) {
                ring.add(b.stage(StageSettings.of("stage-" + i).threads(1, 1).queue(CAPACITY)
                        .whenFull(WhenFull.BLOCK, Duration.ofSeconds(10))));
            }
            hops = new AtomicLongArray((stages + 1) * STRIDE);
            for (int i = 0; i < stages; i++) {
                Stage<Object> next = ring.get((i + 1) % stages);
                int slot = (i + 1) * STRIDE;  // padded: written by this stage's one worker only
                b.handler(ring.get(i), e -> {
                    next.offer(e);  // never refused: the inboxes hold more than the events in flight
                    hops.lazySet(slot, hops.get(slot) + 1);
                });
            }
            graph = b.build();
            graph.start();
            for (int e = 0; e < events; e++) {
                ring.get(e % stages).offer(new Object());  // spread out from the start
            }
        }

        @Override
        public long hops() {
            return sum(hops, stages);
        }

        @Override
        public void close() {
            graph.stop(Duration.ofSeconds(10));
        }
    }

    static final class ThreadRing implements Ring {
        private final Inbox[] inboxes;
        private final Thread[] threads;
        private final AtomicLongArray hops;
        private volatile boolean running = true;

        ThreadRing(String impl, int stages, int events) {
            inboxes = new Inbox[stages];
            for (int i = 0; i < stages; i++) {
                inboxes[i] = Inbox.create(impl);
            }
            hops = new AtomicLongArray((stages + 1) * STRIDE);
            threads = new Thread[stages];
            for (int i = 0; i < stages; i++) {
                int stage = i;
                threads[i] = new Thread(() -> run(stage), impl + "-ring-" + i);
                threads[i].setDaemon(true);
            }
            for (Thread t : threads) {
                t.start();
            }
            for (int e = 0; e < events; e++) {
                inboxes[e % stages].send(new Object());  // spread out from the start
            }
        }

        private void run(int stage) {
            Inbox in = inboxes[stage];
            Inbox out = inboxes[(stage + 1) % inboxes.length];
            int slot = (stage + 1) * STRIDE;
            List<Object> batch = new ArrayList<>(BATCH);
            long done = 0;
            while (running) {
                try {
                    batch.add(in.take());
                } catch (InterruptedException e) {
                    continue;
                }
                in.drainTo(batch, BATCH - 1);
                int n = batch.size();
                for (int i = 0; i < n; i++) {
                    out.send(batch.get(i));
                }
                batch.clear();
                done += n;
                hops.lazySet(slot, done);  // only this thread writes its counter
            }
        }

        @Override
        public long hops() {
            return sum(hops, threads.length);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }
}
