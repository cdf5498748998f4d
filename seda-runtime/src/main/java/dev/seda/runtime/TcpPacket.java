package dev.seda.runtime;

import java.util.Objects;

/** Bytes read from one connection; a connection's packets arrive at its stage in read order. */
public final class TcpPacket implements Sourced {
    private final TcpConnection connection;
    private final byte[] bytes;

    TcpPacket(TcpConnection connection, byte[] bytes) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    public TcpConnection connection() {
        return connection;
    }

    /** Exactly the bytes of one read, never empty. Not copied: the array belongs to the receiver. */
    public byte[] bytes() {
        return bytes;
    }

    /** Its connection's: a listening stage that sheds load sheds every connection's packets in the same share. */
    @Override
    public long source() {
        return connection.id();
    }

    @Override
    public String toString() {
        return "TcpPacket[connection " + connection.id() + ", " + bytes.length + " bytes]";
    }
}
