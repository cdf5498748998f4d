package dev.seda.benchmarks.io;

import java.util.Locale;

/**
 * What every connection of {@link LoadGenerator} does, and what the servers answer.
 *
 * <ul>
 *   <li>{@code echo}: one request of {@code packetBytes} at a time; the server writes back what it
 *       read, and the next request goes out when the whole echo is back. Throughput in round trips
 *       per second: a per-packet benchmark, dominated by system calls and wake-ups.
 *   <li>{@code burst}: the workload of the paper's Figure 11. Each connection writes bursts of
 *       {@code packetsPerBurst} packets of {@code packetBytes} as fast as the socket takes them; the
 *       server answers each complete burst with one {@code replyBytes} acknowledgement, and the next
 *       burst starts when it arrives. Throughput is the bandwidth the server consumes, in Mbit/s.
 * </ul>
 */
record Workload(String name, int packetBytes, int packetsPerBurst, int replyBytes) {
    /** Echo round trips of {@code requestBytes}. */
    static Workload echo(int requestBytes) {
        return new Workload("echo", requestBytes, 1, requestBytes);
    }

    /** The paper's Figure 11: bursts of 1000 packets of 8 KB, each burst acknowledged with 32 bytes. */
    static Workload burst(int packetBytes, int packetsPerBurst, int ackBytes) {
        return new Workload("burst", packetBytes, packetsPerBurst, ackBytes);
    }

    boolean isEcho() {
        return name.equals("echo");
    }

    /** Bytes a server reads before it acknowledges (burst only). */
    long burstBytes() {
        return (long) packetBytes * packetsPerBurst;
    }

    /** The throughput measure: round trips/s for echo, Mbit/s for burst. */
    String unit() {
        return isEcho() ? "round trips/s" : "Mbit/s";
    }

    /** What one unit of the per-CPU measure is. */
    String perCpuUnit() {
        return isEcho() ? "round trips per CPU-second" : "Mbit per CPU-second";
    }

    /** For the report's header line. */
    String describe() {
        return isEcho()
                ? String.format(Locale.ROOT, "echo of %d-byte requests, one in flight per connection", packetBytes)
                : String.format(Locale.ROOT, "bursts of %d packets of %d bytes, each acknowledged with %d bytes"
                        + " (the paper's Figure 11)", packetsPerBurst, packetBytes, replyBytes);
    }
}
