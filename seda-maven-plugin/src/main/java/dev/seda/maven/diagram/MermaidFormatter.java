package dev.seda.maven.diagram;

import dev.seda.graph.StageGraphModel.Edge;

/**
 * Mermaid {@code flowchart LR} text (renders on GitHub and in many wikis). Node ids are {@code n0},
 * {@code n1}, ... because stage names may contain characters Mermaid ids cannot; labels are quoted with
 * Mermaid's {@code #code;} entities for the characters that would end or confuse them.
 */
public final class MermaidFormatter implements DiagramFormatter {

    @Override
    public String extension() {
        return "mmd";
    }

    @Override
    public String format(Diagram diagram, GraphLayout layout) {
        StringBuilder out = new StringBuilder(2048);
        out.append("%% seda graph ").append(label(diagram.graph().name())).append('\n');
        out.append("flowchart LR\n");
        out.append("  classDef stage fill:").append(SvgFormatter.APP_FILL).append(",stroke:").append(SvgFormatter.APP_STROKE)
                .append(",color:#111\n");
        out.append("  classDef source fill:").append(SvgFormatter.SOURCE_FILL).append(",stroke:")
                .append(SvgFormatter.SOURCE_STROKE).append(",color:#111\n");
        out.append("  classDef missing fill:").append(SvgFormatter.MISSING_FILL).append(",stroke:")
                .append(SvgFormatter.MISSING_STROKE).append(",stroke-dasharray:5 3,color:#111\n");
        for (Diagram.Node node : diagram.nodes()) {
            String text = '"' + String.join("<br/>", Labels.nodeLines(node).stream().map(MermaidFormatter::label).toList()) + '"';
            out.append("  ").append(id(node));
            if (node.io()) {
                out.append("{{").append(text).append("}}");
            } else {
                out.append('(').append(text).append(')');
            }
            out.append(":::").append(node.missing() ? "missing" : node.io() ? "source" : "stage").append('\n');
        }
        for (Edge edge : diagram.edges()) {
            out.append("  ").append(id(diagram.node(edge.from()))).append(" -->|\"")
                    .append(label(Labels.simpleTypeName(edge.eventType()))).append("\"| ")
                    .append(id(diagram.node(edge.to()))).append('\n');
        }
        return out.toString();
    }

    private static String id(Diagram.Node node) {
        return "n" + node.index();
    }

    /** Escapes text for a quoted Mermaid label. */
    static String label(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("#quot;");
                case '#' -> out.append("#35;");
                case '<' -> out.append("#lt;");
                case '>' -> out.append("#gt;");
                case '&' -> out.append("#amp;");
                case '|' -> out.append("#124;");
                case '`' -> out.append("#96;");
                case '\n', '\r' -> out.append(' ');
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
