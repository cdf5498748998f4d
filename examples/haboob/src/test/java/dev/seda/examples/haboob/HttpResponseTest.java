package dev.seda.examples.haboob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpResponseTest {
    private static final Instant MODIFIED = Instant.parse("2023-11-14T22:13:20Z");
    private static final String MODIFIED_HEADER = "Tue, 14 Nov 2023 22:13:20 GMT";
    private static final Page PAGE = new Page("text/plain; charset=utf-8",
            "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII), MODIFIED.plusMillis(700), 0);

    private static HttpRequest get(String ifModifiedSince, String range, String ifRange) {
        return new HttpRequest("GET", "/p.txt", true, 0, ifModifiedSince, range, ifRange, HttpRequest.ANONYMOUS);
    }

    private static String text(HttpResponse r) {
        ByteBuffer b = r.encode();
        return StandardCharsets.ISO_8859_1.decode(b).toString();
    }

    @Test
    void servesTheWholePageWithItsValidators() {
        String out = text(HttpResponse.page(PAGE, get(null, null, null)));
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.contains("Last-Modified: " + MODIFIED_HEADER + "\r\n"), "whole seconds: " + out);
        assertTrue(out.contains("Accept-Ranges: bytes\r\n"), out);
        assertTrue(out.contains("Content-Length: 20\r\n"), out);
        assertTrue(out.contains("\r\nDate: "), out);
        assertTrue(out.endsWith("\r\n\r\n0123456789abcdefghij"), out);
    }

    @Test
    void answersNotModifiedWithoutABody() {
        HttpResponse r = HttpResponse.page(PAGE, get(MODIFIED_HEADER, null, null));
        assertEquals(304, r.status());
        String out = text(r);
        assertTrue(out.endsWith("\r\n\r\n"), "no body: " + out);
        assertTrue(!out.contains("Content-Length"), out);
        assertEquals(200, HttpResponse.page(PAGE, get("Tue, 14 Nov 2023 22:13:19 GMT", null, null)).status(),
                "changed since");
        assertEquals(200, HttpResponse.page(PAGE, get("yesterday", null, null)).status(), "a bad date is ignored");
    }

    @Test
    void servesOneByteRange() {
        HttpResponse r = HttpResponse.page(PAGE, get(null, "bytes=2-5", null));
        assertEquals(206, r.status());
        String out = text(r);
        assertTrue(out.contains("Content-Range: bytes 2-5/20\r\n"), out);
        assertTrue(out.contains("Content-Length: 4\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\n2345"), out);
        assertTrue(text(HttpResponse.page(PAGE, get(null, "bytes=-3", null))).endsWith("hij"), "a suffix");
        assertTrue(text(HttpResponse.page(PAGE, get(null, "bytes=18-", null))).endsWith("\r\n\r\nij"), "open-ended");
        assertTrue(text(HttpResponse.page(PAGE, get(null, "bytes=15-99", null))).contains("bytes 15-19/20"),
                "cut at the end");
    }

    @Test
    void refusesARangePastTheEndAndIgnoresOnesItDoesNotServe() {
        HttpResponse r = HttpResponse.page(PAGE, get(null, "bytes=20-30", null));
        assertEquals(416, r.status());
        assertTrue(text(r).contains("Content-Range: bytes */20\r\n"));
        assertEquals(200, HttpResponse.page(PAGE, get(null, "bytes=0-1,4-5", null)).status(), "several: whole page");
        assertEquals(200, HttpResponse.page(PAGE, get(null, "lines=1-2", null)).status(), "another unit");
        assertEquals(200, HttpResponse.page(PAGE, get(null, "bytes=5-2", null)).status(), "invalid");
        assertEquals(200, HttpResponse.page(PAGE, get(null, "bytes=0-1", "Mon, 13 Nov 2023 00:00:00 GMT")).status(),
                "If-Range of another version: whole page");
        assertEquals(206, HttpResponse.page(PAGE, get(null, "bytes=0-1", MODIFIED_HEADER)).status());
    }

    @Test
    void parsesRanges() {
        assertEquals(new ByteRange(0, 0), ByteRange.parse("bytes=0-0", 1));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-0", 10));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=0-", 0));
        assertNull(ByteRange.parse("bytes=-", 10));
        assertNull(ByteRange.parse("bytes=a-b", 10));
        assertEquals(new ByteRange(0, 9), ByteRange.parse("bytes=-100", 10));
    }

    @Test
    void shedsWithRetryAfterAndKeepsTheConnection() {
        HttpResponse r = HttpResponse.busy(get(null, null, null), 2);
        String out = text(r);
        assertTrue(out.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), out);
        assertTrue(out.contains("Retry-After: 2\r\n"), out);
        assertTrue(!out.contains("Connection: close"), out);
    }

    @Test
    void headRequestsGetHeadersOnly() {
        HttpRequest head = new HttpRequest("HEAD", "/missing", true, 0);
        String out = text(HttpResponse.error(404, head));
        assertTrue(out.contains("Content-Length: 14\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\n"), out);
    }
}
