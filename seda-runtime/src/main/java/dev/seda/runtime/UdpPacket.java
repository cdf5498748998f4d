package dev.seda.runtime;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One datagram received on a graph's UDP socket; {@link UdpSocket#send} answers it.
 *
 * @param sender where it came from
 * @param bytes the whole datagram (possibly empty); not copied, the array belongs to the receiver
 * @param socket the socket it arrived on
 */
public record UdpPacket(InetSocketAddress sender, byte[] bytes, UdpSocket socket) {
    public UdpPacket {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(socket, "socket");
    }

    @Override
    public String toString() {
        return "UdpPacket[from " + sender + ", " + bytes.length + " bytes]";
    }
}
