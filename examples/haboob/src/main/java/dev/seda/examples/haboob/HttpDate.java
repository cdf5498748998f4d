package dev.seda.examples.haboob;

import java.time.Instant;

/** The Date header's value, formatted at most once a second however many responses need it. */
final class HttpDate {
    private record Stamp(long second, String text) {}

    private static volatile Stamp current = new Stamp(-1, "");

    private HttpDate() {
    }

    static String now() {
        long second = System.currentTimeMillis() / 1000;
        Stamp s = current;
        if (s.second() != second) {
            s = new Stamp(second, Page.HTTP_DATE.format(Instant.ofEpochSecond(second)));
            current = s;
        }
        return s.text();
    }
}
