package dev.seda.examples.haboob;

import dev.seda.runtime.TcpConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One connection's HTTP state. The parse stage (one thread) uses the parser and numbers the requests;
 * the reply stage (one thread) uses the rest to write responses in request order, however the stages
 * between them reordered them: HTTP/1.1 pipelining demands it. The sweep stage reads the two times to
 * close connections that stall inside a request head or stay idle.
 */
final class Conversation {
    final TcpConnection connection;
    final HttpParser parser = new HttpParser();
    /** When the request head now arriving began ({@code System.nanoTime()}), or 0 between requests. */
    volatile long headSince;
    /** When the last bytes arrived. */
    volatile long lastRead;

    private long nextToWrite;
    private final TreeMap<Long, HttpResponse> waiting = new TreeMap<>();

    Conversation(TcpConnection connection, long now) {
        this.connection = connection;
        this.lastRead = now;
    }

    /** Parse stage: feeds what arrived and keeps the times the sweep stage reads. */
    List<HttpRequest> feed(byte[] bytes, long now) throws HttpParser.BadRequest {
        lastRead = now;
        if (headSince == 0) {
            headSince = now;
        }
        try {
            return parser.feed(bytes);
        } finally {
            if (!parser.inHead()) {
                headSince = 0;
            }
        }
    }

    /** The responses that may be written now, in order, given that response {@code sequence} is ready. */
    List<HttpResponse> ready(long sequence, HttpResponse response) {
        waiting.put(sequence, response);
        List<HttpResponse> ready = new ArrayList<>(1);
        while (!waiting.isEmpty() && waiting.firstKey() == nextToWrite) {
            ready.add(waiting.pollFirstEntry().getValue());
            nextToWrite++;
        }
        return ready;
    }
}
