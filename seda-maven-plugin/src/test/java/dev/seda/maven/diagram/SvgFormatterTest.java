package dev.seda.maven.diagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seda.graph.StageGraphModel;
import dev.seda.graph.StageGraphModel.StageNode;
import dev.seda.maven.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgFormatterTest {

    static String svg(StageGraphModel graph) {
        Diagram diagram = Diagram.of(graph);
        return new SvgFormatter().format(diagram, ElkLayout.layout(diagram));
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** data-stage value to the node group's class attribute. */
    static Map<String, String> nodeGroups(Document doc) {
        Map<String, String> groups = new HashMap<>();
        NodeList gs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if (g.hasAttribute("data-stage")) {
                groups.put(g.getAttribute("data-stage"), g.getAttribute("class"));
            }
        }
        return groups;
    }

    @Test
    void isWellFormedAndHasAGroupPerStage() throws Exception {
        StageGraphModel graph = Fixtures.haboob();
        String svg = svg(graph);
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        Map<String, String> groups = nodeGroups(doc);
        for (StageNode stage : graph.stages()) {
            assertTrue(groups.containsKey(stage.name()), "no data-stage for " + stage.name());
            assertTrue(svg.contains(">" + stage.name() + "</text>"), "name not drawn: " + stage.name());
        }
        assertEquals(graph.stages().size(), groups.size());
        assertTrue(svg.contains("threads 1..4"), svg);
        assertTrue(svg.contains("queue 4096, REJECT"), svg);
        assertTrue(svg.contains("queue 512, BLOCK 250 ms"), svg);
        assertTrue(svg.contains(">HttpRequest</text>"), "edge label with the simple type name");
        assertEquals(graph.edges().size(), doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path").getLength() - 1,
                "one path per edge plus the arrowhead");
    }

    @Test
    void drawsSourcesDifferently() throws Exception {
        String svg = svg(Fixtures.haboob());
        Map<String, String> groups = nodeGroups(parse(svg));
        assertEquals("node source", groups.get("listen:parse"));
        assertEquals("node stage", groups.get("parse"));
        assertTrue(svg.contains("TCP listen :8080"));
        String source = svg.substring(svg.indexOf("data-stage=\"listen:parse\""));
        source = source.substring(0, source.indexOf("</g>"));
        assertTrue(source.contains("<polygon") && source.contains(SvgFormatter.SOURCE_FILL), source);
        String stage = svg.substring(svg.indexOf("data-stage=\"parse\""));
        stage = stage.substring(0, stage.indexOf("</g>"));
        assertTrue(stage.contains("<rect") && stage.contains(SvgFormatter.APP_FILL) && !stage.contains("<polygon"), stage);
    }

    @Test
    void tooltipsTellHandlerSourceAndSettings() throws Exception {
        Document doc = parse(svg(Fixtures.haboob()));
        NodeList gs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
        String title = null;
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if ("lookup".equals(g.getAttribute("data-stage"))) {
                title = g.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title").item(0).getTextContent();
            }
        }
        assertTrue(title != null && title.contains("handler: demo.Haboob#lookup") && title.contains("demo/Haboob.java:16")
                && title.contains("threads: 1..4"), String.valueOf(title));
    }

    @Test
    void escapesNamesAndTypes() throws Exception {
        StageGraphModel graph = new StageGraphModel(1, "a<&>\"'", "demo.X",
                List.of(Fixtures.source("in<1>", 1), Fixtures.stage("a&b\"c'd<e>", "java.util.List<demo.A&B>")),
                List.of(new StageGraphModel.Edge("in<1>", "a&b\"c'd<e>", "java.util.List<demo.A&B>")));
        String svg = svg(graph);
        Map<String, String> groups = nodeGroups(parse(svg));
        assertTrue(groups.containsKey("a&b\"c'd<e>"), groups.toString());
        assertTrue(svg.contains("List&lt;A&amp;B&gt;"), svg);
    }

    @Test
    void isDeterministic() {
        assertEquals(svg(Fixtures.haboob()), svg(Fixtures.haboob()));
        assertEquals(svg(Fixtures.generated(60)), svg(Fixtures.generated(60)));
        assertNotEquals(svg(Fixtures.haboob()), svg(Fixtures.twoStages()));
    }

    @Test
    void twoStageGraph() throws Exception {
        String svg = svg(Fixtures.twoStages());
        assertEquals(2, nodeGroups(parse(svg)).size());
        assertFalse(svg.contains("NaN"), svg);
    }

    @Test
    void twoHundredStagesLayOut() throws Exception {
        String svg = svg(Fixtures.generated(200));
        Map<String, String> groups = nodeGroups(parse(svg));
        assertEquals(200, groups.size());
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"));
    }

    @Test
    void nodesDoNotOverlap() {
        Diagram diagram = Diagram.of(Fixtures.generated(80));
        List<GraphLayout.NodeBox> boxes = new ArrayList<>(ElkLayout.layout(diagram).nodes());
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                GraphLayout.NodeBox a = boxes.get(i);
                GraphLayout.NodeBox b = boxes.get(j);
                boolean overlap = a.x() < b.x() + b.width() && b.x() < a.x() + a.width()
                        && a.y() < b.y() + b.height() && b.y() < a.y() + a.height();
                assertFalse(overlap, a.node().name() + " overlaps " + b.node().name());
            }
        }
    }

    @Test
    void edgeToAMissingStageIsDrawnAsMissing() throws Exception {
        StageGraphModel graph = new StageGraphModel(1, "broken", "demo.B",
                List.of(Fixtures.source("listen:a", 1), Fixtures.stage("a", "P")),
                List.of(new StageGraphModel.Edge("listen:a", "a", "P"), new StageGraphModel.Edge("a", "nowhere", "X")));
        Map<String, String> groups = nodeGroups(parse(svg(graph)));
        assertEquals("node missing", groups.get("nowhere"));
    }
}
