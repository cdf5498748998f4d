package dev.seda.maven.diagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seda.graph.StageGraphModel;
import dev.seda.graph.StageGraphModel.Edge;
import dev.seda.graph.StageGraphModel.StageNode;
import dev.seda.maven.Fixtures;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TextFormattersTest {

    static String render(DiagramFormatter formatter, StageGraphModel graph) {
        Diagram diagram = Diagram.of(graph);
        return formatter.format(diagram, ElkLayout.layout(diagram));
    }

    @Test
    void htmlIsSelfContainedWithSvgLegendAndTable() {
        StageGraphModel graph = Fixtures.haboob();
        String html = render(new HtmlFormatter(), graph);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<title>seda graph haboob</title>"));
        assertTrue(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "inline SVG");
        assertFalse(html.contains("<?xml"), "no XML declaration inside HTML");
        assertTrue(html.contains("class=\"legend\"") && html.contains("application stage") && html.contains("I/O stage run by the runtime"));
        assertTrue(html.contains("<table class=\"stages\">"));
        for (StageNode stage : graph.stages()) {
            assertTrue(html.contains("<tr class=\"" + (stage.isSource() ? "source" : "stage") + "\" data-stage=\""
                    + stage.name() + "\">"), stage.name());
        }
        assertTrue(html.contains("demo.Haboob#lookup") && html.contains("demo/Haboob.java:16"));
        String withoutSvgNamespace = html.replace("http://www.w3.org/2000/svg", "");
        assertFalse(withoutSvgNamespace.contains("http://") || withoutSvgNamespace.contains("https://"),
                "an external reference would not work offline");
        assertFalse(Pattern.compile("(src|href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(withoutSvgNamespace).find());
        assertFalse(html.contains("@import") || html.contains("url(http"));
    }

    @Test
    void dotHasEveryNodeAndLabelledEdge() {
        StageGraphModel graph = Fixtures.haboob();
        String dot = render(new DotFormatter(), graph);
        assertTrue(dot.startsWith("digraph \"haboob\" {"));
        assertTrue(dot.contains("rankdir=LR"));
        for (StageNode stage : graph.stages()) {
            assertTrue(dot.contains("\n  \"" + stage.name() + "\" [label=\"" + stage.name() + "\\n"), stage.name());
        }
        for (Edge edge : graph.edges()) {
            assertTrue(dot.contains("\"" + edge.from() + "\" -> \"" + edge.to() + "\" [label=\""
                    + Labels.simpleTypeName(edge.eventType()) + "\""), edge.toString());
        }
        assertTrue(dot.contains("\"listen:parse\" [label=\"listen:parse\\nTCP listen :8080\", shape=hexagon"));
        assertTrue(dot.trim().endsWith("}"));
    }

    @Test
    void dotQuotesAwkwardNames() {
        assertEquals("\"a\\\"b\\\\c\\nd\"", DotFormatter.quote("a\"b\\c\nd"));
    }

    @Test
    void mermaidHasEveryNodeAndLabelledEdge() {
        StageGraphModel graph = Fixtures.haboob();
        String mmd = render(new MermaidFormatter(), graph);
        assertTrue(mmd.contains("\nflowchart LR\n"));
        Diagram diagram = Diagram.of(graph);
        for (Diagram.Node node : diagram.nodes()) {
            assertTrue(Pattern.compile("\n  n" + node.index() + "[({]+\"" + Pattern.quote(node.name()) + "<br/>").matcher(mmd).find(),
                    node.name() + " in\n" + mmd);
        }
        for (Edge edge : graph.edges()) {
            String line = "  n" + diagram.node(edge.from()).index() + " -->|\"" + Labels.simpleTypeName(edge.eventType())
                    + "\"| n" + diagram.node(edge.to()).index() + "\n";
            assertTrue(mmd.contains(line), line);
        }
        assertTrue(mmd.contains("n0{{\"listen:parse<br/>TCP listen :8080\"}}:::source"), mmd);
    }

    @Test
    void mermaidEscapesWhatWouldBreakALabel() {
        StageGraphModel graph = new StageGraphModel(1, "g", "demo.G",
                List.of(Fixtures.source("in", 1), Fixtures.stage("a\"b|c", "java.util.List<demo.X>")),
                List.of(new Edge("in", "a\"b|c", "java.util.List<demo.X>")));
        String mmd = render(new MermaidFormatter(), graph);
        assertTrue(mmd.contains("a#quot;b#124;c"), mmd);
        assertTrue(mmd.contains("-->|\"List#lt;X#gt;\"|"), mmd);
        // No raw quote inside a quoted label: every label's quotes are balanced.
        for (String line : mmd.split("\n")) {
            Matcher m = Pattern.compile("\"").matcher(line);
            int quotes = 0;
            while (m.find()) {
                quotes++;
            }
            assertEquals(0, quotes % 2, line);
        }
    }

    @Test
    void simpleTypeNames() {
        assertEquals("TcpPacket", Labels.simpleTypeName("dev.seda.runtime.TcpPacket"));
        assertEquals("List<Page>", Labels.simpleTypeName("java.util.List<com.x.Page>"));
        assertEquals("Outer.Inner", Labels.simpleTypeName("com.x.Outer.Inner"));
        assertEquals("ReplyEvent", Labels.simpleTypeName("com.x.HaboobGraph.ReplyEvent"), "generated records");
        assertEquals("HaboobGraph.Reply", Labels.simpleTypeName("com.x.HaboobGraph.Reply"));
        assertEquals("Inner", Labels.simpleTypeName("com.x.Outer$Inner"));
        assertEquals("int", Labels.simpleTypeName("int"));
    }

    @Test
    void everyFormatIsDeterministic() {
        for (DiagramFormatter f : List.of(new SvgFormatter(), new HtmlFormatter(), new DotFormatter(), new MermaidFormatter())) {
            assertEquals(render(f, Fixtures.haboob()), render(f, Fixtures.haboob()), f.extension());
        }
    }
}
