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
        // No regular expressions on this path: it runs for every request.
        int lineEnd = text.indexOf("\r\n");
        int firstSpace = text.indexOf(' ');
        int secondSpace = firstSpace < 0 ? -1 : text.indexOf(' ', firstSpace + 1);
        if (firstSpace < 0 || secondSpace < 0 || secondSpace > lineEnd) {
            throw new BadRequest(400, "malformed request line");
        }
        String method = text.substring(0, firstSpace);
        String target = text.substring(firstSpace + 1, secondSpace);
        String version = text.substring(secondSpace + 1, lineEnd);
        if (!isMethod(method) || target.isEmpty() || target.indexOf(' ') >= 0
                || !version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new BadRequest(400, "malformed request line");
        }
        boolean http11 = version.equals("HTTP/1.1");
        String connection = "";
        boolean host = false;
        String ifModifiedSince = null;
        String range = null;
        String ifRange = null;
        int requestClass = HttpRequest.ANONYMOUS;
        for (int start = lineEnd + 2, end; (end = text.indexOf("\r\n", start)) > start; start = end + 2) {
            int colon = text.indexOf(':', start);
            if (colon <= start || colon > end || !isToken(text, start, colon)) {
                throw new BadRequest(400, "malformed header line");
            }
            String name = text.substring(start, colon).toLowerCase(Locale.ROOT);
            String value = text.substring(colon + 1, end).trim();
            switch (name) {
                case "connection" -> connection = value.toLowerCase(Locale.ROOT);
                case "host" -> host = true;
                case "content-length" -> bodyToSkip = contentLength(value);
                case "transfer-encoding" -> throw new BadRequest(400, "request bodies are not supported");
                case "if-modified-since" -> ifModifiedSince = value;
                case "range" -> range = value;
                case "if-range" -> ifRange = value;
                case "cookie" -> requestClass = hasSession(value) ? HttpRequest.SIGNED_IN : requestClass;
                default -> { }
            }
        }
        if (http11 && !host) {
            throw new BadRequest(400, "HTTP/1.1 request without Host");
        }
        boolean keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");
        return new HttpRequest(method, target, keepAlive, this.requests++, ifModifiedSince, range, ifRange,
                requestClass);
    }

    /** Whether a Cookie header holds a {@code session} cookie: the mark of a signed-in user. */
    private static boolean hasSession(String cookies) {
        for (String cookie : cookies.split(";")) {
            if (cookie.trim().startsWith("session=")) {
                return true;
            }
        }
        return false;
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
    private static boolean isToken(String line, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = line.charAt(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    private static long contentLength(String value) throws BadRequest {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequest(400, "malformed Content-Length");
        }
        long length = Long.parseLong(value);
        if (length > MAX_BODY_BYTES) {
            throw new BadRequest(413, "request body of " + length + " bytes; at most " + MAX_BODY_BYTES);
        }
        return length;
    }
}
