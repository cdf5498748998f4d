package dev.seda.benchmarks.io;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A TCP server on 127.0.0.1 for a {@link Workload}: it echoes, or acknowledges each burst. Started and
 * stopped by the harness once per measured point.
 */
interface EchoServer {
    /** Backlog for both servers: the machine's somaxconn, so connecting thousands at once loses no SYN to a full queue. */
    int BACKLOG = 4096;

    /** Short name for tables and the command line. */
    String name();

    /** What it is, for the report. */
    String description();

    /** Binds an ephemeral port on 127.0.0.1 and starts serving; sized for up to {@code connections}. */
    InetSocketAddress start(int connections) throws IOException;

    /** Bytes read from all connections since the start. */
    long bytesRead();

    /** Connections the server holds open now. */
    int openConnections();

    /** Anything that went wrong on the server's side (connections it dropped, rejections), or "" if none. */
    String problems();

    /** Stops serving and ends every thread it started, within about {@code deadline}. */
    void stop(Duration deadline);
}
