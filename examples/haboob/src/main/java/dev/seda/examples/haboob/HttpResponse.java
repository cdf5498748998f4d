package dev.seda.examples.haboob;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A response ready to be written: status, content type and body. {@code head} leaves the body out
 * (HEAD requests); {@code keepAlive} false closes the connection once it is written.
 */
public record HttpResponse(int status, String contentType, byte[] body, boolean head, boolean keepAlive,
                           String location) {

    public HttpResponse(int status, String contentType, byte[] body, boolean head, boolean keepAlive) {
        this(status, contentType, body, head, keepAlive, null);
    }

    /** A 301 to the same path with a slash: a directory's address ends with one. */
    static HttpResponse redirect(String location, boolean keepAlive) {
        return new HttpResponse(301, "text/plain; charset=utf-8",
                ("moved to " + location + "\n").getBytes(StandardCharsets.UTF_8), false, keepAlive, location);
    }

    static HttpResponse page(Page page, HttpRequest request) {
        return new HttpResponse(200, page.contentType(), page.bytes(), request.method().equals("HEAD"),
                request.keepAlive());
    }

    static HttpResponse error(int status, boolean keepAlive) {
        String text = status + " " + reason(status) + "\n";
        return new HttpResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), false,
                keepAlive);
    }

    ByteBuffer encode() {
        String headers = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Server: seda-haboob\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (status == 405 ? "Allow: GET, HEAD\r\n" : "")
                + (location == null ? "" : "Location: " + location + "\r\n")
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        byte[] head = headers.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(head.length + (this.head ? 0 : body.length));
        out.put(head);
        if (!this.head) {
            out.put(body);
        }
        return out.flip();
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 301 -> "Moved Permanently";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
