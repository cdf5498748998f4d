package dev.seda.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Feeds a {@link Stage} from a UDP socket: the method takes one {@code dev.seda.runtime.UdpPacket},
 * whose {@code socket()} sends replies without blocking. The command line's {@code --<stage>.port}
 * and {@code --<stage>.host} override the defaults. A UDP stage is a source of the graph.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Udp {
    /** Default port; 0 picks a free port. */
    int port() default 0;

    /** Address to bind; loopback by default. */
    String host() default "127.0.0.1";
}
