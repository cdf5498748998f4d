package dev.seda.examples.haboob;

import dev.seda.runtime.Classified;

/**
 * A parsed HTTP/1.x request head: what a static file server uses of it.
 *
 * @param method e.g. GET
 * @param target the request target as sent, e.g. {@code /docs/a%20b.html?x=1}
 * @param keepAlive whether the connection stays open after the response
 * @param sequence the request's number on its connection, from 0: responses are written in this order
 * @param ifModifiedSince the {@code If-Modified-Since} header, or null
 * @param range the {@code Range} header, or null
 * @param ifRange the {@code If-Range} header, or null
 * @param requestClass 1 for a signed-in user's request (it carries a {@code session} cookie), else 0: the
 *     render stage sheds class 0 first when class 1 misses its response-time target
 */
public record HttpRequest(String method, String target, boolean keepAlive, long sequence, String ifModifiedSince,
                          String range, String ifRange, int requestClass) implements Classified {
    public static final int ANONYMOUS = 0;
    public static final int SIGNED_IN = 1;

    /** An anonymous request without conditional or range headers. */
    public HttpRequest(String method, String target, boolean keepAlive, long sequence) {
        this(method, target, keepAlive, sequence, null, null, null, ANONYMOUS);
    }

    /** The target's path, without query or fragment, still percent-encoded. */
    public String rawPath() {
        int end = target.length();
        for (char c : new char[] {'?', '#'}) {
            int at = target.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return target.substring(0, end);
    }

    public boolean isHead() {
        return method.equals("HEAD");
    }
}
