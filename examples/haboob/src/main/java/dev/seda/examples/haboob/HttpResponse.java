package dev.seda.examples.haboob;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * A response ready to be written.
 *
 * @param body the bytes the body is taken from: {@code length} bytes at {@code offset} (a byte range
 *     of a cached page is served without copying it)
 * @param head whether the body is left out (HEAD requests, 304); Content-Length still tells its size
 * @param keepAlive false closes the connection once the response is written
 * @param headers further header lines, each ending in CRLF, e.g. {@code "Location: /a/\r\n"}
 */
public record HttpResponse(int status, String contentType, byte[] body, int offset, int length, boolean head,
                           boolean keepAlive, String headers) {
    private static final String TEXT = "text/plain; charset=utf-8";

    /** A whole body with no further headers. */
    public HttpResponse(int status, String contentType, byte[] body, boolean head, boolean keepAlive) {
        this(status, contentType, body, 0, body.length, head, keepAlive, "");
    }

    /** A 301 to the same path with a slash: a directory's address ends with one. */
    static HttpResponse redirect(String location, HttpRequest request) {
        byte[] body = ("moved to " + location + "\n").getBytes(StandardCharsets.UTF_8);
        return new HttpResponse(301, TEXT, body, 0, body.length, request.isHead(), request.keepAlive(),
                "Location: " + location + "\r\n");
    }

    /**
     * A cached page as the request asks for it: 304 when it has not changed since If-Modified-Since,
     * 206 for one satisfiable byte range (416 when none is), else 200 with the whole page.
     */
    static HttpResponse page(Page page, HttpRequest request) {
        String lastModified = page.lastModifiedHeader();
        String validators = "Last-Modified: " + lastModified + "\r\nAccept-Ranges: bytes\r\n";
        int size = page.bytes().length;
        if (notModifiedSince(page.lastModified(), request.ifModifiedSince())) {
            return new HttpResponse(304, page.contentType(), page.bytes(), 0, 0, true, request.keepAlive(),
                    "Last-Modified: " + lastModified + "\r\n");
        }
        if (request.range() != null && (request.ifRange() == null || request.ifRange().equals(lastModified))) {
            ByteRange range = ByteRange.parse(request.range(), size);
            if (range == ByteRange.UNSATISFIABLE) {
                byte[] body = "416 Range Not Satisfiable\n".getBytes(StandardCharsets.UTF_8);
                return new HttpResponse(416, TEXT, body, 0, body.length, request.isHead(), request.keepAlive(),
                        "Content-Range: bytes */" + size + "\r\n");
            }
            if (range != null) {
                return new HttpResponse(206, page.contentType(), page.bytes(), (int) range.first(),
                        (int) range.length(), request.isHead(), request.keepAlive(), validators
                        + "Content-Range: bytes " + range.first() + "-" + range.last() + "/" + size + "\r\n");
            }
        }
        return new HttpResponse(200, page.contentType(), page.bytes(), 0, size, request.isHead(), request.keepAlive(),
                validators);
    }

    /** A page computed for this request: never cached, never conditional. */
    static HttpResponse dynamic(byte[] body, HttpRequest request) {
        return new HttpResponse(200, TEXT, body, 0, body.length, request.isHead(), request.keepAlive(),
                "Cache-Control: no-store\r\n");
    }

    /** The answer to a request the server sheds: cheap to make, and it keeps the connection. */
    static HttpResponse busy(HttpRequest request, int retryAfterSeconds) {
        byte[] body = BUSY_BODY;
        return new HttpResponse(503, TEXT, body, 0, body.length, request.isHead(), request.keepAlive(),
                "Retry-After: " + retryAfterSeconds + "\r\n");
    }

    private static final byte[] BUSY_BODY = "503 Service Unavailable: overloaded, retry later\n"
            .getBytes(StandardCharsets.UTF_8);

    static HttpResponse error(int status, HttpRequest request) {
        byte[] body = (status + " " + reason(status) + "\n").getBytes(StandardCharsets.UTF_8);
        return new HttpResponse(status, TEXT, body, 0, body.length, request.isHead(), request.keepAlive(),
                status == 405 ? "Allow: GET, HEAD\r\n" : "");
    }

    /** An error before a request could be read; the connection closes after it. */
    static HttpResponse badRequest(int status) {
        byte[] body = (status + " " + reason(status) + "\n").getBytes(StandardCharsets.UTF_8);
        return new HttpResponse(status, TEXT, body, false, false);
    }

    private static boolean notModifiedSince(Instant lastModified, String ifModifiedSince) {
        if (ifModifiedSince == null) {
            return false;
        }
        try {
            Instant since = ZonedDateTime.parse(ifModifiedSince, Page.HTTP_DATE).toInstant();
            return !lastModified.isAfter(since);
        } catch (DateTimeParseException e) {
            return false; // an invalid date is ignored (RFC 9110 13.1.3)
        }
    }

    ByteBuffer encode() {
        StringBuilder h = new StringBuilder(200)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Server: seda-haboob\r\n")
                .append("Date: ").append(HttpDate.now()).append("\r\n");
        if (status != 304) {
            h.append("Content-Type: ").append(contentType).append("\r\n")
                    .append("Content-Length: ").append(length).append("\r\n");
        }
        h.append(headers);
        if (!keepAlive) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        byte[] headBytes = h.toString().getBytes(StandardCharsets.ISO_8859_1); // header text is ASCII
        byte[] out = new byte[headBytes.length + (head ? 0 : length)];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        if (!head) {
            System.arraycopy(body, offset, out, headBytes.length, length);
        }
        return ByteBuffer.wrap(out);
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 416 -> "Range Not Satisfiable";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
