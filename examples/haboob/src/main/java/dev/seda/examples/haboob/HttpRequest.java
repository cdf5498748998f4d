package dev.seda.examples.haboob;

/**
 * A parsed HTTP/1.x request head.
 *
 * @param method e.g. GET
 * @param target the request target as sent, e.g. {@code /docs/a%20b.html?x=1}
 * @param keepAlive whether the connection stays open after the response
 * @param sequence the request's number on its connection, from 0: responses are written in this order
 */
public record HttpRequest(String method, String target, boolean keepAlive, long sequence) {

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
}
