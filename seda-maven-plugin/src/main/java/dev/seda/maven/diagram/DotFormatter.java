package dev.seda.maven.diagram;

import dev.seda.graph.StageGraphModel.Edge;

/** Graphviz DOT text, for those who have Graphviz; seda itself never needs it. Layout is Graphviz's. */
public final class DotFormatter implements DiagramFormatter {

    @Override
    public String extension() {
        return "dot";
    }

    @Override
    public String format(Diagram diagram, GraphLayout layout) {
        StringBuilder out = new StringBuilder(2048);
        out.append("digraph ").append(quote(diagram.graph().name())).append(" {\n");
        out.append("  graph [rankdir=LR, fontname=\"monospace\", label=")
                .append(quote("seda graph " + diagram.graph().name())).append(", labelloc=t];\n");
        out.append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"").append(SvgFormatter.APP_FILL)
                .append("\", color=\"").append(SvgFormatter.APP_STROKE).append("\", fontname=\"monospace\", fontsize=11];\n");
        out.append("  edge [color=\"").append(SvgFormatter.EDGE_STROKE).append("\", fontname=\"monospace\", fontsize=10];\n");
        for (Diagram.Node node : diagram.nodes()) {
            out.append("  ").append(quote(node.name())).append(" [label=")
                    .append(quote(String.join("\n", Labels.nodeLines(node))));
            if (node.io()) {
                out.append(", shape=hexagon, style=filled, fillcolor=\"").append(SvgFormatter.SOURCE_FILL)
                        .append("\", color=\"").append(SvgFormatter.SOURCE_STROKE).append('"');
            } else if (node.missing()) {
                out.append(", style=\"rounded,filled,dashed\", fillcolor=\"").append(SvgFormatter.MISSING_FILL)
                        .append("\", color=\"").append(SvgFormatter.MISSING_STROKE).append('"');
            }
            out.append(", tooltip=").append(quote(Labels.tooltip(node))).append("];\n");
        }
        for (Edge edge : diagram.edges()) {
            out.append("  ").append(quote(edge.from())).append(" -> ").append(quote(edge.to()))
                    .append(" [label=").append(quote(Labels.simpleTypeName(edge.eventType())))
                    .append(", tooltip=").append(quote(edge.eventType() == null ? "" : edge.eventType())).append("];\n");
        }
        out.append("}\n");
        return out.toString();
    }

    /** A DOT double-quoted string: backslashes and quotes escaped, line breaks as centred {@code \n}. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> { }
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
