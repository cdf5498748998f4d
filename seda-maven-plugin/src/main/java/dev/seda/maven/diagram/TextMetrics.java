package dev.seda.maven.diagram;

/**
 * Text sizes without a font renderer: the drawings use a monospace font, whose advance is about 0.6 em
 * for every character, so sizes depend only on the text and the layout is the same on every machine.
 */
public final class TextMetrics {

    /** Font size of node text, px. */
    public static final double NODE_FONT = 12;
    /** Font size of edge labels, px. */
    public static final double EDGE_FONT = 11;
    /** Advance of one monospace character, in em. */
    public static final double ADVANCE = 0.6;
    /** Line height of node text, px. */
    public static final double LINE = 16;
    /** Inner padding of a node box, px. */
    public static final double PAD_X = 12;
    public static final double PAD_Y = 8;
    /** How far a source's pointed ends stick out, px. */
    public static final double SOURCE_TIP = 12;
    /** Font family that matches the metric. */
    public static final String FONT_FAMILY = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace";

    private TextMetrics() {}

    public static double width(String text, double fontSize) {
        return text.codePointCount(0, text.length()) * fontSize * ADVANCE;
    }

    public static double nodeWidth(java.util.List<String> lines, boolean source) {
        double widest = 0;
        for (String line : lines) {
            widest = Math.max(widest, width(line, NODE_FONT));
        }
        return Math.max(96, Math.ceil(widest + 2 * PAD_X + (source ? 2 * SOURCE_TIP : 0)));
    }

    public static double nodeHeight(java.util.List<String> lines) {
        return lines.size() * LINE + 2 * PAD_Y;
    }

    public static double edgeLabelWidth(String label) {
        return Math.ceil(width(label, EDGE_FONT) + 8);
    }

    public static double edgeLabelHeight() {
        return EDGE_FONT + 5;
    }
}
