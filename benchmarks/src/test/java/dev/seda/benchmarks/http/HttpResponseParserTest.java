package dev.seda.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpResponseParserTest {
    private final HttpResponseParser parser = new HttpResponseParser();
    private final List<String> seen = new ArrayList<>();
    private final HttpResponseParser.Listener listener =
            (status, close, retryAfter) -> seen.add(status + (close ? " close" : "") + (retryAfter ? " retry" : ""));

    private boolean feed(String text) throws Exception {
        return parser.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), listener);
    }

    @Test
    void contentLengthBodyIsSkipped() throws Exception {
        assertFalse(feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"));
        assertEquals(List.of("200"), seen);
        assertTrue(parser.idle());
    }

    @Test
    void pipelinedResponsesInOneBufferAreEachReported() throws Exception {
        feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab"
                + "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
                + "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 3\r\n\r\nbye");
        assertEquals(List.of("200", "404", "503 retry"), seen);
    }

    @Test
    void responsesSplitAtEveryByteAreReassembled() throws Exception {
        String two = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        for (byte b : two.getBytes(StandardCharsets.ISO_8859_1)) {
            parser.feed(ByteBuffer.wrap(new byte[] {b}), listener);
        }
        assertEquals(List.of("200", "200"), seen);
        assertTrue(parser.idle());
    }

    @Test
    void chunkedBodyWithTrailersEndsAtTheEmptyLine() throws Exception {
        feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n");
        assertEquals(List.of("200"), seen);
        assertTrue(parser.idle());
    }

    @Test
    void connectionCloseEndsTheConnectionAndIgnoresTheRest() throws Exception {
        assertTrue(feed("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        assertEquals(List.of("503 close"), seen);
    }

    @Test
    void http10ClosesUnlessKeepAliveIsSaid() throws Exception {
        assertTrue(feed("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx"));
        parser.reset();
        assertFalse(feed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx"));
        assertEquals(List.of("200 close", "200"), seen);
    }

    @Test
    void bodyWithoutLengthRunsUntilTheEndOfTheConnection() throws Exception {
        assertFalse(feed("HTTP/1.1 200 OK\r\n\r\nsome bytes"));
        assertFalse(feed("more bytes"));
        assertEquals(List.of(), seen);
        assertTrue(parser.endOfInput(listener));
        assertEquals(List.of("200 close"), seen);
    }

    @Test
    void interimResponsesAreSkippedAndNoContentHasNoBody() throws Exception {
        feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n");
        assertEquals(List.of("204", "304"), seen);
        assertTrue(parser.idle());
    }

    @Test
    void endOfInputBetweenResponsesIsClean() throws Exception {
        feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertFalse(parser.endOfInput(listener));
    }

    @Test
    void endOfInputInsideAResponseIsAnError() throws Exception {
        feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        assertThrows(HttpResponseParser.ProtocolException.class, () -> parser.endOfInput(listener));
    }

    @Test
    void garbageIsAProtocolError() {
        assertThrows(HttpResponseParser.ProtocolException.class, () -> feed("SSH-2.0-OpenSSH\r\n"));
        parser.reset();
        assertThrows(HttpResponseParser.ProtocolException.class, () -> feed("HTTP/1.1 2x0 OK\r\n"));
        parser.reset();
        assertThrows(HttpResponseParser.ProtocolException.class,
                () -> feed("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"));
        parser.reset();
        assertThrows(HttpResponseParser.ProtocolException.class,
                () -> feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"));
        parser.reset();
        assertThrows(HttpResponseParser.ProtocolException.class, () -> feed("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"));
    }

    @Test
    void oversizedHeadersAreRefused() {
        String huge = "HTTP/1.1 200 OK\r\n" + ("X-Filler: " + "a".repeat(1000) + "\r\n").repeat(70) + "\r\n";
        assertThrows(HttpResponseParser.ProtocolException.class, () -> feed(huge));
    }
}
