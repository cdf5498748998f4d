package dev.seda.examples.haboob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Incremental HTTP/1.x request parser for one connection: feed it bytes as they arrive, get back the
 * requests they complete. Not thread-safe; the parse stage runs on one thread. Limits: a request
 * line of {@value #MAX_LINE_BYTES} bytes (414 beyond), a head of {@value #MAX_HEAD_BYTES} bytes (431
 * beyond), a body of {@value #MAX_BODY_BYTES} bytes (413 beyond; bodies are skipped, as a static file
 * server has no use for them).
 */
final class HttpParser {
    static final int MAX_LINE_BYTES = 4096;
    static final int MAX_HEAD_BYTES = 8192;
    static final long MAX_BODY_BYTES = 1024 * 1024;

    /** A request that cannot be answered normally; the connection is closed after the status is sent. */
    static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private byte[] head = new byte[256];
    private int headLength;
    private int lineEnds;      // line ends seen in the current head: the first one ends the request line
    private long bodyToSkip;
    private long requests;
    private boolean failed;

    /** The number the next request gets; also the number of a bad request's error response. */
    long nextSequence() {
        return requests;
    }

    /** Whether part of a request head has arrived and the rest has not (a slow or stalled client). */
    boolean inHead() {
        return headLength > 0 || bodyToSkip > 0;
    }

    List<HttpRequest> feed(byte[] bytes) throws BadRequest {
        List<HttpRequest> complete = new ArrayList<>(1);
        if (failed) {
            return complete; // the connection is closing after its error response
        }
        try {
            for (int i = 0; i < bytes.length; i++) {
                if (bodyToSkip > 0) {
                    int skip = (int) Math.min(bodyToSkip, bytes.length - i);
                    bodyToSkip -= skip;
                    i += skip - 1;
                    continue;
                }
                byte b = bytes[i];
                if (headLength == 0 && (b == '\r' || b == '\n')) {
                    continue; // a stray CRLF between requests is tolerated (RFC 9112 2.2)
                }
                append(b);
                if (b == '\n') {
                    if (lineEnds++ > 0 && endsWithBlankLine()) {
                        complete.add(parseHead(new String(head, 0, headLength, StandardCharsets.ISO_8859_1)));
                        headLength = 0;
                        lineEnds = 0;
                    }
                } else if (lineEnds == 0 && headLength > MAX_LINE_BYTES) {
                    throw new BadRequest(414, "request line longer than " + MAX_LINE_BYTES + " bytes");
                } else if (headLength > MAX_HEAD_BYTES) {
                    throw new BadRequest(431, "request head longer than " + MAX_HEAD_BYTES + " bytes");
                }
            }
        } catch (BadRequest e) {
            failed = true;
            throw e;
        }
        return complete;
    }

    private void append(byte b) {
        if (headLength == head.length) {
            head = Arrays.copyOf(head, head.length * 2);
        }
        head[headLength++] = b;
    }

    private boolean endsWithBlankLine() {
        int n = headLength;
        return n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r';
    }

    private HttpRequest parseHead(String text) throws BadRequest {
        String[] lines = text.split("\r\n");
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !isMethod(requestLine[0]) || requestLine[1].isEmpty()
                || !requestLine[2].matches("HTTP/1\\.[01]")) {
            throw new BadRequest(400, "malformed request line");
        }
        boolean http11 = requestLine[2].equals("HTTP/1.1");
        String connection = "";
        boolean host = false;
        String ifModifiedSince = null;
        String range = null;
        String ifRange = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line, colon)) {
                throw new BadRequest(400, "malformed header line");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "connection" -> connection = value.toLowerCase(Locale.ROOT);
                case "host" -> host = true;
                case "content-length" -> bodyToSkip = contentLength(value);
                case "transfer-encoding" -> throw new BadRequest(400, "request bodies are not supported");
                case "if-modified-since" -> ifModifiedSince = value;
                case "range" -> range = value;
                case "if-range" -> ifRange = value;
                default -> { }
            }
        }
        if (http11 && !host) {
            throw new BadRequest(400, "HTTP/1.1 request without Host");
        }
        boolean keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");
        return new HttpRequest(requestLine[0], requestLine[1], keepAlive, this.requests++, ifModifiedSince, range,
                ifRange);
    }

    private static boolean isMethod(String s) {
        if (s.isEmpty() || s.length() > 16) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return true;
    }

    /** A header name: visible ASCII without separators' worst offenders (space, tab, controls). */
    private static boolean isToken(String line, int end) {
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    private static long contentLength(String value) throws BadRequest {
        if (!value.matches("\\d{1,18}")) {
            throw new BadRequest(400, "malformed Content-Length");
        }
        long length = Long.parseLong(value);
        if (length > MAX_BODY_BYTES) {
            throw new BadRequest(413, "request body of " + length + " bytes; at most " + MAX_BODY_BYTES);
        }
        return length;
    }
}
