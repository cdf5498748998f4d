package dev.seda.runtime;

/**
 * How a TCP listener runs, beyond its address. Immutable; start from {@link #defaults()}.
 *
 * @param events the stage that gets each connection's {@link TcpEvent}s, or {@code null} for none
 * @param readLimit bytes per second read from each connection, or 0 for no limit. Over it, the
 *     listener stops reading that connection until its budget refills, so a fast sender is slowed
 *     by TCP flow control instead of being buffered; the budget holds a tenth of a second's worth
 * @param backlog connections the kernel may queue before they are accepted (capped by the OS,
 *     {@code net.core.somaxconn} on Linux); they wait there while accepting is suspended
 * @param pauseAcceptingAbove 0 for off; else accepting pauses while the listening stage's queue holds
 *     more packets than this, and resumes once it is down to half. When even answering "busy" costs
 *     too much, new connections wait in the kernel's backlog instead of adding work
 * @param pauseReadingAbove 0 for off; else a connection whose packet leaves the listening stage's
 *     queue holding more than this is not read until the queue is down to half, so TCP flow control
 *     slows the sender instead of a full queue rejecting a packet (which closes the connection)
 * @param receiveBufferBytes 0 for the system's default; else the {@code SO_RCVBUF} of every accepted
 *     connection, which bounds what the kernel holds for it (Linux's default grows with the traffic,
 *     and thousands of busy connections can together pass {@code net.ipv4.tcp_mem}, which throttles
 *     every socket on the machine)
 */
public record ListenOptions(Stage<TcpEvent> events, long readLimit, int backlog, int pauseAcceptingAbove,
                            int pauseReadingAbove, int receiveBufferBytes) {
    public static final int DEFAULT_BACKLOG = 1024;

    public ListenOptions {
        if (readLimit < 0) {
            throw new IllegalArgumentException("read limit must be 0 (none) or positive bytes per second, got "
                    + readLimit);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
        }
        if (pauseAcceptingAbove < 0) {
            throw new IllegalArgumentException("pauseAcceptingAbove must be 0 (off) or a queue length, got "
                    + pauseAcceptingAbove);
        }
        if (pauseReadingAbove < 0) {
            throw new IllegalArgumentException("pauseReadingAbove must be 0 (off) or a queue length, got "
                    + pauseReadingAbove);
        }
        if (receiveBufferBytes < 0) {
            throw new IllegalArgumentException("receiveBufferBytes must be 0 (the system's default) or a size in"
                    + " bytes, got " + receiveBufferBytes);
        }
    }

    /** No events stage, no read limit, a backlog of {@value #DEFAULT_BACKLOG}, always accepting and reading. */
    public static ListenOptions defaults() {
        return new ListenOptions(null, 0, DEFAULT_BACKLOG, 0, 0, 0);
    }

    public ListenOptions events(Stage<TcpEvent> stage) {
        return new ListenOptions(stage, readLimit, backlog, pauseAcceptingAbove, pauseReadingAbove, receiveBufferBytes);
    }

    public ListenOptions readLimit(long bytesPerSecond) {
        return new ListenOptions(events, bytesPerSecond, backlog, pauseAcceptingAbove, pauseReadingAbove,
                receiveBufferBytes);
    }

    public ListenOptions backlog(int connections) {
        return new ListenOptions(events, readLimit, connections, pauseAcceptingAbove, pauseReadingAbove,
                receiveBufferBytes);
    }

    public ListenOptions pauseAcceptingAbove(int queueLength) {
        return new ListenOptions(events, readLimit, backlog, queueLength, pauseReadingAbove, receiveBufferBytes);
    }

    public ListenOptions pauseReadingAbove(int queueLength) {
        return new ListenOptions(events, readLimit, backlog, pauseAcceptingAbove, queueLength, receiveBufferBytes);
    }

    public ListenOptions receiveBufferBytes(int bytes) {
        return new ListenOptions(events, readLimit, backlog, pauseAcceptingAbove, pauseReadingAbove, bytes);
    }
}
