package dev.seda.processor;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A "min..max" or "n" attribute such as {@code threads = "1..4"}. */
record Bounds(int min, int max) {
    private static final Pattern SYNTAX = Pattern.compile("\\s*(\\d{1,9})\\s*(?:\\.\\.\\s*(\\d{1,9})\\s*)?");

    /** Returns null when the text is not of the form "n" or "min..max" with 1 <= min <= max. */
    static Bounds parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            return null;
        }
        int min = Integer.parseInt(m.group(1));
        int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
        return min >= 1 && min <= max ? new Bounds(min, max) : null;
    }
}
