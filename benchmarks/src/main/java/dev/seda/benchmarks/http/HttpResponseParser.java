package dev.seda.benchmarks.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An incremental HTTP/1.1 response parser for the load generator: it is fed whatever bytes a
 * non-blocking read returned and reports each complete response (status, whether the server will
 * close the connection after it, whether a {@code Retry-After} came with it). Bodies are skipped, not
 * copied. It knows {@code Content-Length}, {@code Transfer-Encoding: chunked} and bodies delimited by
 * the end of the connection, HTTP/1.0's default close and {@code Connection: close/keep-alive},
 * and skips interim 1xx responses. Responses to HEAD are not supported (the load generator sends GETs).
 * One instance per connection; not thread-safe.
 */
public final class HttpResponseParser {
    /** Receives each complete response, in order. */
    public interface Listener {
        void onResponse(int status, boolean close, boolean retryAfter);
    }

    /** The bytes are not an HTTP/1.x response: the connection cannot be used any more. */
    public static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private enum State { STATUS_LINE, HEADER, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, UNTIL_EOF, DONE }

    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private boolean sawCr;
    private int headerBytes;

    private State state = State.STATUS_LINE;
    private int status;
    private boolean http10;
    private boolean close;
    private boolean keepAliveHeader;
    private boolean retryAfter;
    private boolean chunked;
    private long contentLength;
    private long remaining;

    /** Forgets any partial response: for a fresh connection. */
    public void reset() {
        state = State.STATUS_LINE;
        lineLength = 0;
        sawCr = false;
        headerBytes = 0;
    }

    /**
     * Consumes {@code in} up to its limit and reports the responses completed by it. After a
     * response that closes the connection, the rest of the input is ignored and {@code true} is
     * returned: the caller must close the connection.
     */
    public boolean feed(ByteBuffer in, Listener listener) throws ProtocolException {
        while (in.hasRemaining()) {
            switch (state) {
                case STATUS_LINE, HEADER, CHUNK_SIZE, CHUNK_END, TRAILER -> {
                    if (readLine(in)) {
                        if (onLine(listener)) {
                            return true;
                        }
                    }
                }
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    in.position(in.position() + n);
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == State.BODY) {
                            if (complete(listener)) {
                                return true;
                            }
                        } else {
                            state = State.CHUNK_END;
                        }
                    }
                }
                case UNTIL_EOF -> in.position(in.limit());
                case DONE -> {
                    in.position(in.limit());
                    return true;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return state == State.DONE;
    }

    /**
     * The connection ended. A response whose body runs until the end of the connection is complete
     * now; any other partial response is an error.
     *
     * @return whether a response was completed
     */
    public boolean endOfInput(Listener listener) throws ProtocolException {
        if (state == State.UNTIL_EOF) {
            close = true;
            complete(listener);
            return true;
        }
        if (state == State.STATUS_LINE && lineLength == 0 && !sawCr) {
            return false; // between responses: a clean close
        }
        if (state == State.DONE) {
            return false;
        }
        throw new ProtocolException("connection ended inside a response (" + state + ")");
    }

    /** Whether the parser is between responses (nothing partial buffered). */
    public boolean idle() {
        return state == State.STATUS_LINE && lineLength == 0 && !sawCr;
    }

    private boolean readLine(ByteBuffer in) throws ProtocolException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (state == State.STATUS_LINE || state == State.HEADER) {
                if (++headerBytes > MAX_HEADER_BYTES) {
                    throw new ProtocolException("response header larger than " + MAX_HEADER_BYTES + " bytes");
                }
            }
            if (b == '\n') {
                sawCr = false;
                return true;
            }
            if (sawCr) {
                throw new ProtocolException("bare CR in a response line");
            }
            if (b == '\r') {
                sawCr = true;
                continue;
            }
            if (lineLength == MAX_LINE) {
                throw new ProtocolException("response line longer than " + MAX_LINE + " bytes");
            }
            line[lineLength++] = b;
        }
        return false;
    }

    private String takeLine() {
        String s = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        lineLength = 0;
        return s;
    }

    private boolean onLine(Listener listener) throws ProtocolException {
        String text = takeLine();
        switch (state) {
            case STATUS_LINE -> {
                if (text.isEmpty()) {
                    return false; // tolerate stray CRLF between responses
                }
                // HTTP/1.1 200 OK
                if (!text.startsWith("HTTP/1.") || text.length() < 12 || text.charAt(8) != ' ') {
                    throw new ProtocolException("not an HTTP/1.x status line: " + abbreviate(text));
                }
                http10 = text.charAt(7) == '0';
                try {
                    status = Integer.parseInt(text.substring(9, 12));
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad status code: " + abbreviate(text));
                }
                if (status < 100 || status > 999 || (text.length() > 12 && text.charAt(12) != ' ')) {
                    throw new ProtocolException("bad status code: " + abbreviate(text));
                }
                close = false;
                keepAliveHeader = false;
                retryAfter = false;
                chunked = false;
                contentLength = -1;
                state = State.HEADER;
            }
            case HEADER -> {
                if (text.isEmpty()) {
                    return endOfHeaders(listener);
                }
                int colon = text.indexOf(':');
                if (colon <= 0) {
                    throw new ProtocolException("bad header line: " + abbreviate(text));
                }
                String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = text.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        try {
                            long length = Long.parseLong(value);
                            if (length < 0 || (contentLength >= 0 && contentLength != length)) {
                                throw new ProtocolException("bad Content-Length: " + abbreviate(value));
                            }
                            contentLength = length;
                        } catch (NumberFormatException e) {
                            throw new ProtocolException("bad Content-Length: " + abbreviate(value));
                        }
                    }
                    case "transfer-encoding" -> {
                        String v = value.toLowerCase(Locale.ROOT);
                        if (v.endsWith("chunked")) {
                            chunked = true;
                        }
                    }
                    case "connection" -> {
                        for (String token : value.toLowerCase(Locale.ROOT).split(",")) {
                            String t = token.trim();
                            if (t.equals("close")) {
                                close = true;
                            } else if (t.equals("keep-alive")) {
                                keepAliveHeader = true;
                            }
                        }
                    }
                    case "retry-after" -> retryAfter = true;
                    default -> {
                        // not needed
                    }
                }
            }
            case CHUNK_SIZE -> {
                int semi = text.indexOf(';');
                String hex = (semi >= 0 ? text.substring(0, semi) : text).trim();
                long size;
                try {
                    size = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad chunk size: " + abbreviate(text));
                }
                if (size < 0) {
                    throw new ProtocolException("bad chunk size: " + abbreviate(text));
                }
                if (size == 0) {
                    state = State.TRAILER;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
            }
            case CHUNK_END -> {
                if (!text.isEmpty()) {
                    throw new ProtocolException("chunk not followed by CRLF");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILER -> {
                if (text.isEmpty()) {
                    return complete(listener);
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
        return false;
    }

    private boolean endOfHeaders(Listener listener) {
        if (http10 && !keepAliveHeader) {
            close = true;
        }
        if (status >= 100 && status < 200 && status != 101) {
            state = State.STATUS_LINE; // interim response: the real one follows
            headerBytes = 0;
            return false;
        }
        if (status == 204 || status == 304) {
            return complete(listener);
        }
        if (chunked) {
            state = State.CHUNK_SIZE;
            return false;
        }
        if (contentLength >= 0) {
            if (contentLength == 0) {
                return complete(listener);
            }
            remaining = contentLength;
            state = State.BODY;
            return false;
        }
        state = State.UNTIL_EOF;
        return false;
    }

    private boolean complete(Listener listener) {
        headerBytes = 0;
        state = close ? State.DONE : State.STATUS_LINE;
        listener.onResponse(status, close, retryAfter);
        return close;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
