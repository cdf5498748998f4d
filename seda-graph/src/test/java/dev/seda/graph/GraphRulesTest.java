package dev.seda.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seda.graph.StageGraphModel.Edge;
import dev.seda.graph.StageGraphModel.SourceLocation;
import dev.seda.graph.StageGraphModel.StageNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphRulesTest {

    static StageNode stage(String name, String eventType) {
        return new StageNode(name, StageKind.APPLICATION, eventType, "demo.Svc#" + name,
                new SourceLocation("demo/Svc.java", 10), 1, 2, 64, "REJECT", 100, 1, 1, true, null);
    }

    static StageNode source(String name) {
        return new StageNode(name, StageKind.TCP_LISTEN, "dev.seda.runtime.TcpPacket", null, null, 1, 1, 0, "REJECT",
                0, 1, 1, false, 8080);
    }

    static StageGraphModel graph(List<StageNode> stages, List<Edge> edges) {
        return new StageGraphModel(1, "demo", "demo.Svc", stages, edges);
    }

    static List<String> ids(List<Problem> problems) {
        return problems.stream().map(Problem::id).toList();
    }

    @Test
    void aWellFormedGraphHasNoProblems() {
        var g = graph(List.of(source("listen:a"), stage("a", "P"), stage("b", "X")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "b", "X")));
        assertEquals(List.of(), GraphRules.check(g));
    }

    @Test
    void reportsAnEdgeToAMissingStageWithItsOrigin() {
        var g = graph(List.of(source("listen:a"), stage("a", "P")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "nowhere", "X")));
        List<Problem> problems = GraphRules.check(g);
        assertEquals(List.of("SedaEdgeUnknownStage"), ids(problems));
        assertTrue(problems.get(0).format().contains("demo.Svc#a (demo/Svc.java:10)"), problems.get(0).format());
        assertTrue(problems.get(0).format().contains("'nowhere'"));
    }

    @Test
    void reportsAnEdgeWhoseTypeDoesNotMatch() {
        var g = graph(List.of(source("listen:a"), stage("a", "P"), stage("b", "X")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "b", "Y")));
        assertEquals(List.of("SedaEdgeTypeMismatch"), ids(GraphRules.check(g)));
    }

    @Test
    void reportsEveryUnreachableStage() {
        var g = graph(List.of(source("listen:a"), stage("a", "P"), stage("orphan", "X"), stage("orphan2", "X")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("orphan", "orphan2", "X")));
        assertEquals(List.of("SedaUnreachableStage", "SedaUnreachableStage"), ids(GraphRules.check(g)));
    }

    @Test
    void aGraphWithoutSourcesHasOnlyUnreachableStages() {
        var g = graph(List.of(stage("a", "P")), List.of());
        assertEquals(List.of("SedaUnreachableStage"), ids(GraphRules.check(g)));
    }

    @Test
    void reportsUnboundedQueuesAndBadThreadBounds() {
        StageNode a = stage("a", "P");
        StageNode unbounded = new StageNode("a", a.kind(), a.eventType(), a.handler(), a.source(), 3, 2,
                Integer.MAX_VALUE, "REJECT", 100, 1, 1, true, null);
        var g = graph(List.of(source("listen:a"), unbounded), List.of(new Edge("listen:a", "a", "P")));
        assertEquals(List.of("SedaUnboundedQueue", "SedaThreadBounds"), ids(GraphRules.check(g)));
    }

    @Test
    void reportsAStageWhoseOutputGoesNowhereUnlessItIsASink() {
        StageNode a = stage("a", "P");
        StageNode deadEnd = new StageNode("a", a.kind(), a.eventType(), a.handler(), a.source(), 1, 1, 64, "REJECT",
                100, 1, 1, false, null);
        var g = graph(List.of(source("listen:a"), deadEnd), List.of(new Edge("listen:a", "a", "P")));
        List<Problem> problems = GraphRules.check(g);
        assertEquals(List.of("SedaDeadEnd"), ids(problems));
        assertTrue(problems.get(0).format().contains("@Stage(sink = true)"), problems.get(0).format());
        assertEquals(List.of(), GraphRules.check(graph(List.of(source("listen:a"), a),
                List.of(new Edge("listen:a", "a", "P")))), "a declared sink is fine");
    }

    @Test
    void mergeJoinsModulesAndReportsDuplicateNames() {
        var one = new StageGraphModel(1, "demo", "demo.One", List.of(source("listen:a"), stage("a", "P")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "b", "X")));
        var two = new StageGraphModel(1, "demo", "demo.Two", List.of(stage("b", "X"), stage("a", "P")), List.of());
        GraphRules.Merged merged = GraphRules.merge(List.of(one, two));
        assertEquals(List.of("SedaDuplicateStage"), ids(merged.problems()));
        assertEquals(1, merged.graphs().size());
        assertEquals(List.of(), GraphRules.check(merged.graphs().get(0)), "the edge a->b resolves across modules");
        assertEquals(3, merged.graphs().get(0).stages().size());
    }

    @Test
    void problemsKeepTheirOrder() {
        List<StageNode> stages = new ArrayList<>();
        stages.add(source("listen:a"));
        for (int i = 0; i < 5; i++) stages.add(stage("s" + i, "P"));
        List<Problem> problems = GraphRules.check(graph(stages, List.of()));
        assertEquals(List.of("s0", "s1", "s2", "s3", "s4"),
                problems.stream().map(p -> p.where().split(" ")[1]).toList());
    }
}
