package dev.seda.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a {@link Stage} the receiver of outgoing TCP connections' replies: the method takes one
 * {@code dev.seda.runtime.TcpPacket} and runs one thread (a connection's bytes stay in order). Stages
 * that emit to it get a {@code dev.seda.runtime.TcpConnector} instead of an event method:
 * {@code out.backend().connect(host, port)} connects without blocking and returns the connection.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface TcpClient {
    /** A stage of the same graph that receives the connections' OPENED and CLOSED events; empty for none. */
    String events() default "";
}
