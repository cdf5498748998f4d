package dev.seda.examples.haboob;

/**
 * One byte range of a body, from a {@code Range: bytes=...} header (RFC 9110 14.1.2).
 *
 * @param first the first byte's offset
 * @param last the last byte's offset, inclusive
 */
record ByteRange(long first, long last) {
    /** Every range asked for lies past the end of the body: the answer is 416. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    long length() {
        return last - first + 1;
    }

    /**
     * The range asked for in a body of {@code size} bytes; {@link #UNSATISFIABLE}; or null when the
     * header is to be ignored and the whole body sent: malformed, another unit, or several ranges
     * (which this server answers with the whole body, as the RFC allows).
     */
    static ByteRange parse(String header, long size) {
        if (!header.startsWith("bytes=")) {
            return null;
        }
        String spec = header.substring("bytes=".length()).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String from = spec.substring(0, dash).trim();
        String to = spec.substring(dash + 1).trim();
        if (!digits(from) && !from.isEmpty() || !digits(to) && !to.isEmpty() || from.isEmpty() && to.isEmpty()) {
            return null;
        }
        if (from.length() > 18 || to.length() > 18) {
            return null;
        }
        if (from.isEmpty()) { // the last N bytes
            long suffix = Long.parseLong(to);
            if (suffix == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new ByteRange(Math.max(0, size - suffix), size - 1);
        }
        long first = Long.parseLong(from);
        long last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
        if (!to.isEmpty() && Long.parseLong(to) < first) {
            return null; // invalid: ignored
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        return new ByteRange(first, last);
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
