package dev.seda.maven.diagram;

import static dev.seda.maven.diagram.Xml.escape;
import static dev.seda.maven.diagram.Xml.num;

import java.util.List;

/**
 * Our own SVG writer: application stages are rounded boxes, I/O sources green hexagons, missing
 * stages dashed red boxes; edges are ELK's routes with arrowheads and the event's simple type name.
 * Every node is a {@code <g data-stage="name">} with a {@code <title>} tooltip.
 */
public final class SvgFormatter implements DiagramFormatter {

    static final String APP_FILL = "#eef3fb";
    static final String APP_STROKE = "#3a5f9f";
    static final String SOURCE_FILL = "#e3f4e4";
    static final String SOURCE_STROKE = "#2e7d32";
    static final String MISSING_FILL = "#fdecea";
    static final String MISSING_STROKE = "#c62828";
    static final String EDGE_STROKE = "#555555";

    @Override
    public String extension() {
        return "svg";
    }

    @Override
    public String format(Diagram diagram, GraphLayout layout) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svgElement(diagram, layout);
    }

    /** The {@code <svg>} element alone, for inlining into HTML. */
    public String svgElement(Diagram diagram, GraphLayout layout) {
        StringBuilder out = new StringBuilder(4096);
        String w = num(Math.ceil(layout.width()));
        String h = num(Math.ceil(layout.height()));
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"seda-graph\" width=\"").append(w)
                .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" font-family=\"").append(escape(TextMetrics.FONT_FAMILY)).append("\" font-size=\"")
                .append(num(TextMetrics.NODE_FONT)).append("\" role=\"img\" aria-label=\"")
                .append(escape("seda stage graph " + diagram.graph().name())).append("\">\n");
        out.append("<title>").append(Xml.text("seda stage graph " + diagram.graph().name())).append("</title>\n");
        out.append("<defs><marker id=\"seda-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\""
                + " markerHeight=\"8\" orient=\"auto\" markerUnits=\"userSpaceOnUse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"")
                .append(EDGE_STROKE).append("\"/></marker></defs>\n");
        out.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" fill=\"#ffffff\"/>\n");
        for (GraphLayout.EdgePath edge : layout.edges()) {
            edge(out, edge, diagram);
        }
        for (GraphLayout.NodeBox box : layout.nodes()) {
            node(out, box);
        }
        out.append("</svg>\n");
        return out.toString();
    }

    private static void edge(StringBuilder out, GraphLayout.EdgePath edge, Diagram diagram) {
        out.append("<g class=\"edge\" data-from=\"").append(escape(edge.edge().from())).append("\" data-to=\"")
                .append(escape(edge.edge().to())).append("\">");
        var target = diagram.node(edge.edge().to()).stage();
        String into = target == null ? "into a missing stage" : "into " + Labels.queueLabel(target);
        out.append("<title>").append(Xml.text(edge.edge().from() + " \u2192 " + edge.edge().to() + "\n"
                + edge.edge().eventType() + "\n" + into)).append("</title>");
        List<GraphLayout.Point> points = edge.points();
        if (!points.isEmpty()) {
            out.append("<path d=\"");
            for (int i = 0; i < points.size(); i++) {
                out.append(i == 0 ? "M" : " L").append(num(points.get(i).x())).append(',').append(num(points.get(i).y()));
            }
            out.append("\" fill=\"none\" stroke=\"").append(EDGE_STROKE)
                    .append("\" stroke-width=\"1.3\" marker-end=\"url(#seda-arrow)\"/>");
        }
        GraphLayout.Box box = edge.labelBox();
        if (box != null) {
            out.append("<rect x=\"").append(num(box.x())).append("\" y=\"").append(num(box.y())).append("\" width=\"")
                    .append(num(box.width())).append("\" height=\"").append(num(box.height()))
                    .append("\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>");
            out.append("<text x=\"").append(num(box.x() + box.width() / 2)).append("\" y=\"")
                    .append(num(box.y() + box.height() - 4.5)).append("\" font-size=\"").append(num(TextMetrics.EDGE_FONT))
                    .append("\" text-anchor=\"middle\" fill=\"#333333\">").append(escape(edge.label())).append("</text>");
        }
        out.append("</g>\n");
    }

    private static void node(StringBuilder out, GraphLayout.NodeBox box) {
        Diagram.Node node = box.node();
        String kind = node.missing() ? "missing" : node.io() ? "source" : "stage";
        out.append("<g class=\"node ").append(kind).append("\" data-stage=\"").append(escape(node.name())).append("\">");
        out.append("<title>").append(Xml.text(Labels.tooltip(node))).append("</title>");
        double x = box.x();
        double y = box.y();
        double w = box.width();
        double h = box.height();
        if (node.io()) {
            double t = TextMetrics.SOURCE_TIP;
            out.append("<polygon points=\"")
                    .append(num(x + t)).append(',').append(num(y)).append(' ')
                    .append(num(x + w - t)).append(',').append(num(y)).append(' ')
                    .append(num(x + w)).append(',').append(num(y + h / 2)).append(' ')
                    .append(num(x + w - t)).append(',').append(num(y + h)).append(' ')
                    .append(num(x + t)).append(',').append(num(y + h)).append(' ')
                    .append(num(x)).append(',').append(num(y + h / 2))
                    .append("\" fill=\"").append(SOURCE_FILL).append("\" stroke=\"").append(SOURCE_STROKE)
                    .append("\" stroke-width=\"1.5\"/>");
        } else {
            out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(w))
                    .append("\" height=\"").append(num(h)).append("\" rx=\"8\" ry=\"8\" fill=\"")
                    .append(node.missing() ? MISSING_FILL : APP_FILL).append("\" stroke=\"")
                    .append(node.missing() ? MISSING_STROKE : APP_STROKE).append("\" stroke-width=\"1.5\"")
                    .append(node.missing() ? " stroke-dasharray=\"5,3\"" : "").append("/>");
        }
        List<String> lines = box.lines();
        double cx = x + w / 2;
        for (int i = 0; i < lines.size(); i++) {
            double baseline = y + TextMetrics.PAD_Y + (i + 1) * TextMetrics.LINE - 4;
            out.append("<text x=\"").append(num(cx)).append("\" y=\"").append(num(baseline))
                    .append("\" text-anchor=\"middle\"")
                    .append(i == 0 ? " font-weight=\"bold\" fill=\"#111111\"" : " fill=\"#333333\"")
                    .append('>').append(escape(lines.get(i))).append("</text>");
        }
        out.append("</g>\n");
    }
}
