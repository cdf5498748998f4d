package dev.seda.examples.haboob;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One connection's HTTP state. The parse stage (one thread) uses the parser and numbers the requests;
 * the reply stage (one thread) uses the rest to write responses in request order, however the stages
 * between them reordered them: HTTP/1.1 pipelining demands it.
 */
final class Conversation {
    final HttpParser parser = new HttpParser();

    private long nextToWrite;
    private final TreeMap<Long, HttpResponse> waiting = new TreeMap<>();

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
