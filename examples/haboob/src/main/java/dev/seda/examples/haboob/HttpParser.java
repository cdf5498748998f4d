package dev.seda.examples.haboob;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Incremental HTTP/1.x request parser for one connection: feed it bytes as they arrive, get back the
 * requests they complete. Not thread-safe; the parse stage runs on one thread.
 */
final class HttpParser {
    static final int MAX_HEAD_BYTES = 8192;

    /** A request that cannot be answered normally; the connection is closed after the status is sent. */
    static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private long bodyToSkip;
    private long requests;
    private boolean failed;

    /** The number the next request gets; also the number of a bad request's error response. */
    long nextSequence() {
        return requests;
    }

    List<HttpRequest> feed(byte[] bytes) throws BadRequest {
        List<HttpRequest> requests = new ArrayList<>(1);
        if (failed) {
            return requests; // the connection is closing after its error response
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bodyToSkip > 0) { // request bodies are not used by a static file server
                int skip = (int) Math.min(bodyToSkip, bytes.length - i);
                bodyToSkip -= skip;
                i += skip - 1;
                continue;
            }
            head.write(bytes[i]);
            if (head.size() > MAX_HEAD_BYTES) {
                failed = true;
                throw new BadRequest(431, "request head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (bytes[i] == '\n' && endsWithBlankLine()) {
                try {
                    requests.add(parseHead(head.toString(StandardCharsets.ISO_8859_1)));
                } catch (BadRequest e) {
                    failed = true;
                    throw e;
                }
                head.reset();
            }
        }
        return requests;
    }

    private boolean endsWithBlankLine() {
        byte[] b = head.toByteArray();
        int n = b.length;
        if (n == 2 && b[0] == '\r') {
            head.reset(); // tolerate a stray CRLF between requests (RFC 9112 2.2)
            return false;
        }
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    private HttpRequest parseHead(String text) throws BadRequest {
        String[] lines = text.split("\r\n");
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[0].matches("[A-Z]{1,16}") || requestLine[1].isEmpty()
                || !requestLine[2].matches("HTTP/1\\.[01]")) {
            throw new BadRequest(400, "malformed request line");
        }
        boolean http11 = requestLine[2].equals("HTTP/1.1");
        String connection = "";
        boolean host = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t'
                    || line.substring(0, colon).chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                throw new BadRequest(400, "malformed header line");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "connection" -> connection = value.toLowerCase(Locale.ROOT);
                case "host" -> host = true;
                case "content-length" -> bodyToSkip = contentLength(value);
                case "transfer-encoding" -> throw new BadRequest(400, "request bodies are not supported");
                default -> { }
            }
        }
        if (http11 && !host) {
            throw new BadRequest(400, "HTTP/1.1 request without Host");
        }
        boolean keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");
        return new HttpRequest(requestLine[0], requestLine[1], keepAlive, this.requests++);
    }

    private static long contentLength(String value) throws BadRequest {
        if (!value.matches("\\d{1,12}")) {
            throw new BadRequest(400, "malformed Content-Length");
        }
        return Long.parseLong(value);
    }
}
