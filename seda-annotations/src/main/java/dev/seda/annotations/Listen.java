package dev.seda.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Feeds a {@link Stage} from the runtime's non-blocking TCP listen and read stages: the method takes
 * one {@code dev.seda.runtime.TcpPacket} (plus its emitter). The port is taken from the command line
 * option {@code --port}, else from {@link #port()}. A listening stage is a source of the graph.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Listen {
    /** Default TCP port, used when the command line gives no {@code --port}; 0 picks a free port. */
    int port() default 8080;

    /** Address to bind; loopback unless the command line gives {@code --host}. */
    String host() default "127.0.0.1";

    /**
     * A stage of the same graph that receives each connection's OPENED and CLOSED
     * {@code dev.seda.runtime.TcpEvent}s (why it closed: peer closed, reset, clogged, ...); empty for none.
     */
    String events() default "";

    /** Most bytes per second read from one connection, as TCP backpressure; 0 for no limit. */
    long readLimit() default 0;

    /**
     * Stops accepting new connections while this stage's queue holds more packets than this, and
     * accepts again once it is down to half: when even answering "busy" costs too much, newcomers wait
     * in the kernel's backlog. 0 for always accepting.
     */
    int pauseAcceptingAbove() default 0;

    /**
     * Stops reading a connection whose packet leaves this stage's queue holding more than this, and
     * reads it again once the queue is down to half: TCP flow control then slows the sender, where a
     * full queue would reject the packet and close the connection. For streams that arrive faster
     * than the stage can take them in bursts. 0 for off.
     */
    int pauseReadingAbove() default 0;

    /**
     * The kernel's receive buffer for each accepted connection, in bytes ({@code SO_RCVBUF}); 0 for the
     * system's default, which on Linux grows each buffer as needed (up to {@code net.ipv4.tcp_rmem}).
     * With thousands of connections streaming at once, those buffers together can pass the kernel's
     * TCP memory limit ({@code net.ipv4.tcp_mem}), which then throttles every socket of the machine;
     * a fixed size bounds what each connection holds.
     */
    int receiveBufferBytes() default 0;
}
