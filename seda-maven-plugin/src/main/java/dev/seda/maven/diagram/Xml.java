package dev.seda.maven.diagram;

import java.util.Locale;

/** Escaping and number formatting shared by the SVG and HTML writers. */
final class Xml {

    private Xml() {}

    /** Escapes text for XML content and attribute values; drops characters XML 1.0 cannot carry. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\n' -> out.append("&#10;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
                        out.append('?');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Escapes element text, keeping line breaks as line breaks (for {@code <title>}). */
    static String text(String text) {
        return escape(text).replace("&#10;", "\n");
    }

    /** A coordinate with one decimal, locale-independent, never {@code -0.0}. */
    static String num(double value) {
        double rounded = Math.round(value * 10) / 10.0;
        if (rounded == 0) {
            rounded = 0; // turns -0.0 into 0.0
        }
        return String.format(Locale.ROOT, "%.1f", rounded);
    }
}
