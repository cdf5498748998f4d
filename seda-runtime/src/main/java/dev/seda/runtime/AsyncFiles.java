package dev.seda.runtime;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Asynchronous file I/O as a stage (Sandstorm's aDisk): requests are events, a bounded pool performs
 * the blocking calls, and each outcome, success or failure, is delivered as a {@link FileCompletion}
 * to the sink the request names (usually an emitter method, e.g. {@code out::fileRead}). Requests on
 * one file run one at a time, in the order they were made; different files proceed in parallel.
 *
 * <p>A completion is the rest of a request already admitted, so a stage that receives it takes it
 * past its own admission control ({@code Stage.offerAdmittedWork}): when its queue is full, the file
 * thread waits for room, and new requests queue up here until {@code maxPending} refuses them. Only
 * a closed stage (or a sink that is not a stage and refuses) leaves a completion undelivered, which
 * is counted and logged.
 *
 * <p>Admission: at most {@code maxPending} requests wait at once; a request beyond that is refused
 * ({@code false}) and counted, like an emit to a full stage.
 */
public final class AsyncFiles implements AutoCloseable {
    private static final Logger LOG = System.getLogger(AsyncFiles.class.getName());

    /** Counters since creation. */
    public record Metrics(long requests, long completed, long failed, long refused, long undelivered, int pending) {}

    private final ThreadPoolExecutor pool;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder requests = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder undelivered = new LongAdder();

    public AsyncFiles(String name, int threads, int maxPending) {
        if (threads < 1 || maxPending < 1) {
            throw new IllegalArgumentException("AsyncFiles " + name + " needs threads >= 1 and maxPending >= 1");
        }
        this.maxPending = maxPending;
        AtomicInteger count = new AtomicInteger();
        // The work queue holds at most one task per file with queued requests, so it stays small.
        this.pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "seda-" + name + "-files-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens {@code path} with {@code options} as the handle's first request; its OPEN completion (or
     * error) goes to {@code completions}, as do those of every later request on the handle.
     *
     * @return the handle, or null when the request was refused (overload or closed)
     */
    public <A> AsyncFile<A> open(Path path, Set<? extends OpenOption> options, A attachment,
            Sink<? super FileCompletion<A>> completions) {
        AsyncFile<A> file = new AsyncFile<>(path, completions);
        return file.submit(FileOp.OPEN, attachment, () -> {
            file.channel = FileChannel.open(path, options);
            return new FileCompletion<>(path, FileOp.OPEN, attachment, 0, null, null);
        }) ? file : null;
    }

    /** Reads a whole file in one request (open, read, close): the common case of a web server's cache miss. */
    public <A> boolean readAll(Path path, A attachment, Sink<? super FileCompletion<A>> completions) {
        AsyncFile<A> file = new AsyncFile<>(path, completions);
        return file.submit(FileOp.READ_ALL, attachment, () -> {
            FileTime modified = Files.getLastModifiedTime(path);
            byte[] bytes = Files.readAllBytes(path);
            return new FileCompletion<>(path, FileOp.READ_ALL, attachment, bytes.length, ByteBuffer.wrap(bytes), null,
                    modified);
        });
    }

    public Metrics metrics() {
        return new Metrics(requests.sum(), completed.sum(), failed.sum(), refused.sum(), undelivered.sum(),
                pending.get());
    }

    /** Waits until no request is pending or {@code System.nanoTime()} passes {@code deadlineNanos}. */
    boolean awaitIdle(long deadlineNanos) {
        while (pending.get() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses new requests, waits up to {@code deadline} for admitted ones to complete and be
     * delivered, then stops the pool. Returns whether everything admitted completed in time.
     */
    public boolean close(Duration deadline) {
        closed.set(true);
        long end = System.nanoTime() + deadline.toNanos();
        while (pending.get() > 0 && System.nanoTime() - end < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        pool.shutdownNow();
        boolean drained = pending.get() == 0;
        if (!drained) {
            LOG.log(Level.WARNING, "file requests still pending after {0}: {1}", deadline, pending.get());
        }
        return drained;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    @FunctionalInterface
    private interface Operation<A> {
        FileCompletion<A> run() throws Exception;
    }

    /** An open file: its requests run one at a time, in order. Thread-safe. */
    public final class AsyncFile<A> {
        private final Path path;
        private final Sink<? super FileCompletion<A>> completions;
        private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile FileChannel channel;
        private long appendPosition = -1;

        private AsyncFile(Path path, Sink<? super FileCompletion<A>> completions) {
            this.path = Objects.requireNonNull(path, "path");
            this.completions = Objects.requireNonNull(completions, "completions");
        }

        public Path path() {
            return path;
        }

        /** Reads up to {@code length} bytes at {@code position}; {@code bytes} is -1 at end of file. */
        public boolean read(long position, int length, A attachment) {
            return submit(FileOp.READ, attachment, () -> {
                ByteBuffer buffer = ByteBuffer.allocate(length);
                int n = channel().read(buffer, position);
                return new FileCompletion<>(path, FileOp.READ, attachment, n, buffer.flip(), null);
            });
        }

        /** Writes all of {@code data} at {@code position}. The buffer must not change until completion. */
        public boolean write(long position, ByteBuffer data, A attachment) {
            return submit(FileOp.WRITE, attachment, () -> {
                long written = 0;
                ByteBuffer src = data.duplicate();
                while (src.hasRemaining()) {
                    written += channel().write(src, position + written);
                }
                return new FileCompletion<>(path, FileOp.WRITE, attachment, written, null, null);
            });
        }

        /** Writes all of {@code data} after everything appended before, in request order. */
        public boolean append(ByteBuffer data, A attachment) {
            return submit(FileOp.APPEND, attachment, () -> {
                FileChannel ch = channel();
                if (appendPosition < 0) {
                    appendPosition = ch.size();
                }
                long written = 0;
                ByteBuffer src = data.duplicate();
                while (src.hasRemaining()) {
                    written += ch.write(src, appendPosition + written);
                }
                appendPosition += written;
                return new FileCompletion<>(path, FileOp.APPEND, attachment, written, null, null);
            });
        }

        /** Forces written bytes to the device. */
        public boolean flush(A attachment) {
            return submit(FileOp.FLUSH, attachment, () -> {
                channel().force(true);
                return new FileCompletion<>(path, FileOp.FLUSH, attachment, 0, null, null);
            });
        }

        /** Closes the file after the requests made before this one. */
        public boolean close(A attachment) {
            return submit(FileOp.CLOSE, attachment, () -> {
                FileChannel ch = channel;
                channel = null;
                if (ch != null) {
                    ch.close();
                }
                return new FileCompletion<>(path, FileOp.CLOSE, attachment, 0, null, null);
            });
        }

        private FileChannel channel() throws IOException {
            FileChannel ch = channel;
            if (ch == null) {
                throw new IOException(path + " is not open");
            }
            return ch;
        }

        boolean submit(FileOp op, A attachment, Operation<A> operation) {
            requests.increment();
            if (closed.get()) {
                refused.increment();
                return false;
            }
            if (pending.incrementAndGet() > maxPending) {
                pending.decrementAndGet();
                refused.increment();
                return false;
            }
            queue.add(() -> complete(op, attachment, operation));
            schedule();
            return true;
        }

        private void schedule() {
            if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
                try {
                    pool.execute(this::runOne);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false); // closed: what is left stays pending and close() reports it
                }
            }
        }

        /** Runs one request, then lets other files have a turn before this file's next one. */
        private void runOne() {
            try {
                Runnable next = queue.poll();
                if (next != null) {
                    next.run();
                }
            } finally {
                scheduled.set(false);
                schedule();
            }
        }

        private void complete(FileOp op, A attachment, Operation<A> operation) {
            FileCompletion<A> completion;
            try {
                completion = operation.run();
                completed.increment();
            } catch (Exception e) {
                failed.increment();
                completion = new FileCompletion<>(path, op, attachment, 0, null, e);
            }
            try {
                // A stage takes it as admitted work: past its admission control, waiting for room.
                boolean delivered = completions instanceof Stage<? super FileCompletion<A>> stage
                        ? stage.offerAdmittedWork(completion) : completions.offer(completion);
                if (!delivered) {
                    undelivered.increment();
                    LOG.log(Level.WARNING, "the {0} completion of {1} was not delivered: the stage is closed, "
                            + "or refused it", op, path);
                }
            } catch (RuntimeException e) {
                undelivered.increment();
                LOG.log(Level.WARNING, "delivering the " + op + " completion of " + path + " failed", e);
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public String toString() {
        return "AsyncFiles[" + metrics() + "]";
    }
}
