package dev.seda.maven.diagram;

import static dev.seda.maven.diagram.Xml.escape;

import dev.seda.graph.StageGraphModel.StageNode;

/**
 * A self-contained page: inline CSS, the inline SVG, a legend and a table of stages. No external
 * resource, no script: it opens offline, from a file, in any browser.
 */
public final class HtmlFormatter implements DiagramFormatter {

    private final SvgFormatter svg = new SvgFormatter();

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 1.4em; margin: 0 0 4px 0; }
            .subtitle { color: #666; margin: 0 0 16px 0; }
            .diagram { overflow: auto; border: 1px solid #ddd; border-radius: 6px; padding: 8px; background: #fff; }
            .diagram svg { display: block; height: auto; }
            .diagram g.node:hover rect, .diagram g.node:hover polygon { stroke-width: 3; }
            .legend { display: flex; flex-wrap: wrap; gap: 18px; margin: 16px 0; font-size: 0.9em; align-items: center; }
            .swatch { display: inline-block; width: 28px; height: 16px; vertical-align: middle; margin-right: 6px; border: 1.5px solid; }
            .swatch.stage { background: %s; border-color: %s; border-radius: 5px; }
            .swatch.source { background: %s; border-color: %s; clip-path: polygon(20%% 0, 80%% 0, 100%% 50%%, 80%% 100%%, 20%% 100%%, 0 50%%); }
            .swatch.missing { background: %s; border-color: %s; border-style: dashed; border-radius: 5px; }
            .swatch.edge { border: none; border-top: 2px solid %s; height: 0; width: 28px; }
            table { border-collapse: collapse; margin-top: 8px; font-size: 0.9em; }
            th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
            th { background: #f4f4f4; }
            td.mono, code { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 0.95em; }
            tr.source td:first-child { border-left: 4px solid %s; }
            tr.missing td { color: %s; }
            """.formatted(SvgFormatter.APP_FILL, SvgFormatter.APP_STROKE, SvgFormatter.SOURCE_FILL,
            SvgFormatter.SOURCE_STROKE, SvgFormatter.MISSING_FILL, SvgFormatter.MISSING_STROKE,
            SvgFormatter.EDGE_STROKE, SvgFormatter.SOURCE_STROKE, SvgFormatter.MISSING_STROKE);

    @Override
    public String extension() {
        return "html";
    }

    @Override
    public String format(Diagram diagram, GraphLayout layout) {
        String name = diagram.graph().name();
        StringBuilder out = new StringBuilder(8192);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>seda graph ").append(escape(name)).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        out.append("<h1>seda graph <code>").append(escape(name)).append("</code></h1>\n");
        out.append("<p class=\"subtitle\">").append(diagram.graph().stages().size()).append(" stages, ")
                .append(diagram.edges().size()).append(" edges");
        if (diagram.graph().className() != null) {
            out.append(", from <code>").append(escape(diagram.graph().className())).append("</code>");
        }
        out.append(". Hover a stage for its handler, source location and settings.</p>\n");
        // Shrunk to fit the window, but never below half size: a large graph scrolls instead of turning to dust.
        double width = Math.ceil(layout.width());
        out.append("<div class=\"diagram\">\n").append(svg.svgElement(diagram, layout).replaceFirst(" class=\"seda-graph\"",
                " style=\"max-width: 100%; min-width: " + Xml.num(Math.min(width, Math.max(480, width / 2)))
                        + "px\" class=\"seda-graph\"")).append("</div>\n");
        legend(out, diagram);
        table(out, diagram);
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private static void legend(StringBuilder out, Diagram diagram) {
        out.append("<div class=\"legend\">\n")
                .append("<span><span class=\"swatch stage\"></span>application stage: name, <code>threads min..max</code>,"
                        + " <code>queue capacity, when full</code></span>\n")
                .append("<span><span class=\"swatch source\"></span>I/O stage run by the runtime (where events enter or"
                        + " leave: <code>TCP listen :port</code>, <code>every N ms</code>, <code>async files</code>)</span>\n")
                .append("<span><span class=\"swatch edge\"></span>edge: the event type sent into the target's queue</span>\n");
        if (diagram.nodes().stream().anyMatch(Diagram.Node::missing)) {
            out.append("<span><span class=\"swatch missing\"></span>missing: an edge names a stage the graph does not have</span>\n");
        }
        out.append("</div>\n");
    }

    private static void table(StringBuilder out, Diagram diagram) {
        out.append("<table class=\"stages\">\n<thead><tr><th>stage</th><th>kind</th><th>event</th><th>threads</th>"
                + "<th>queue</th><th>handler</th><th>source</th></tr></thead>\n<tbody>\n");
        for (Diagram.Node node : diagram.nodes()) {
            StageNode s = node.stage();
            out.append("<tr class=\"").append(node.missing() ? "missing" : node.io() ? "source" : "stage")
                    .append("\" data-stage=\"").append(escape(node.name())).append("\">");
            cell(out, node.name(), true);
            if (s == null) {
                cell(out, "missing", false);
                out.append("<td colspan=\"5\"></td>");
            } else {
                cell(out, s.kind().isIo() ? Labels.sourceLabel(s) : s.kind().label(), false);
                cell(out, s.eventType(), true);
                cell(out, s.kind().isIo() ? "" : s.threadsLabel(), true);
                cell(out, s.kind().isIo() ? "" : Labels.queueLabel(s).substring("queue ".length()), true);
                cell(out, s.handler() == null ? "" : s.handler(), true);
                cell(out, Labels.location(s), true);
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    private static void cell(StringBuilder out, String text, boolean mono) {
        out.append(mono ? "<td class=\"mono\">" : "<td>").append(escape(text == null ? "" : text)).append("</td>");
    }
}
