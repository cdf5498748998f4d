package dev.seda.graph;

/** What runs a stage: the user's handler, or one of the runtime's I/O stages. */
public enum StageKind {
    /** A {@code @Stage} method of the user's class. */
    APPLICATION(false, "application stage"),
    /** The runtime's TCP listen and read stages, feeding a {@code @Listen} stage. */
    TCP_LISTEN(true, "TCP listen/read"),
    /** A periodic timer feeding an {@code @Every} stage. */
    TIMER(true, "timer"),
    /** The runtime's UDP socket, feeding a {@code @Udp} stage. */
    UDP(true, "UDP"),
    /** Outgoing TCP connections: connects in, replies out to a {@code @TcpClient} stage. */
    TCP_CLIENT(false, "TCP client"),
    /** The runtime's asynchronous file stage: requests in, completions out to a stage. */
    ASYNC_FILES(false, "async files");

    private final boolean source;
    private final String label;

    StageKind(boolean source, String label) {
        this.source = source;
        this.label = label;
    }

    /** Whether the runtime, not the user's code, runs this stage: drawn differently. */
    public boolean isIo() {
        return this != APPLICATION;
    }

    /** Whether events enter the graph here from outside. */
    public boolean isSource() {
        return source;
    }

    public String label() {
        return label;
    }
}
