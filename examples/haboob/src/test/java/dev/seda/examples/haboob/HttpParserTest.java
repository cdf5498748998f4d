package dev.seda.examples.haboob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpParserTest {

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void parsesARequestArrivingByteByByte() throws Exception {
        HttpParser parser = new HttpParser();
        List<HttpRequest> got = new ArrayList<>();
        for (byte b : ascii("GET /a.html?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")) {
            got.addAll(parser.feed(new byte[] {b}));
        }
        assertEquals(List.of(new HttpRequest("GET", "/a.html?x=1", true, 0)), got);
        assertEquals("/a.html", got.get(0).rawPath());
    }

    @Test
    void parsesPipelinedRequestsAndConnectionHeaders() throws Exception {
        List<HttpRequest> got = new HttpParser().feed(ascii("GET / HTTP/1.1\r\nHost: h\r\n\r\n"
                + "HEAD /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                + "GET /c HTTP/1.0\r\n\r\n"));
        assertEquals(3, got.size());
        assertTrue(got.get(0).keepAlive());
        assertFalse(got.get(1).keepAlive());
        assertFalse(got.get(2).keepAlive(), "HTTP/1.0 closes unless asked otherwise");
        assertEquals(List.of(0L, 1L, 2L), got.stream().map(HttpRequest::sequence).toList(), "numbered in order");
    }

    @Test
    void skipsARequestBody() throws Exception {
        List<HttpRequest> got = new HttpParser().feed(ascii(
                "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /y HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertEquals(List.of("/x", "/y"), got.stream().map(HttpRequest::target).toList());
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : List.of("NONSENSE\r\n\r\n", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1\r\nno colon\r\n\r\n", "GET / HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n")) {
            var e = assertThrows(HttpParser.BadRequest.class, () -> new HttpParser().feed(ascii(bad)), bad);
            assertEquals(400, e.status, bad);
        }
    }

    @Test
    void refusesAnOversizedHead() {
        String huge = "GET / HTTP/1.1\r\nX: " + "a".repeat(HttpParser.MAX_HEAD_BYTES) + "\r\n\r\n";
        var e = assertThrows(HttpParser.BadRequest.class, () -> new HttpParser().feed(ascii(huge)));
        assertEquals(431, e.status);
    }

    @Test
    void refusesAnOversizedRequestLineAndBody() {
        String longTarget = "GET /" + "a".repeat(HttpParser.MAX_LINE_BYTES) + " HTTP/1.1\r\nHost: h\r\n\r\n";
        assertEquals(414, assertThrows(HttpParser.BadRequest.class,
                () -> new HttpParser().feed(ascii(longTarget))).status);
        String bigBody = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: " + (HttpParser.MAX_BODY_BYTES + 1)
                + "\r\n\r\n";
        assertEquals(413, assertThrows(HttpParser.BadRequest.class,
                () -> new HttpParser().feed(ascii(bigBody))).status);
    }

    @Test
    void keepsConditionalAndRangeHeaders() throws Exception {
        HttpRequest r = new HttpParser().feed(ascii("GET /a HTTP/1.1\r\nHost: h\r\n"
                + "If-Modified-Since: Tue, 14 Nov 2023 22:13:20 GMT\r\nrange: bytes=0-9\r\n"
                + "If-Range: Tue, 14 Nov 2023 22:13:20 GMT\r\n\r\n")).get(0);
        assertEquals("Tue, 14 Nov 2023 22:13:20 GMT", r.ifModifiedSince());
        assertEquals("bytes=0-9", r.range());
        assertEquals("Tue, 14 Nov 2023 22:13:20 GMT", r.ifRange());
    }

    @Test
    void knowsWhenItIsInsideAHead() throws Exception {
        HttpParser parser = new HttpParser();
        assertFalse(parser.inHead());
        parser.feed(ascii("GET / HTTP/1.1\r\nHo"));
        assertTrue(parser.inHead(), "a slow client's half-sent head");
        parser.feed(ascii("st: h\r\n\r\n"));
        assertFalse(parser.inHead());
    }

    @Test
    void aSessionCookieMakesASignedInRequest() throws Exception {
        List<HttpRequest> got = new HttpParser().feed(ascii("GET / HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: h\r\nCookie: theme=dark; session=abc123\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: h\r\nCookie: nosession=1\r\n\r\n"));
        assertEquals(List.of(HttpRequest.ANONYMOUS, HttpRequest.SIGNED_IN, HttpRequest.ANONYMOUS),
                got.stream().map(HttpRequest::requestClass).toList());
    }
}
