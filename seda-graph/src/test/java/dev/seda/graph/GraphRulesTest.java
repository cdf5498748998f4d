package dev.seda.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
                new SourceLocation("demo/Svc.java", 10), 1, 2, 64, "REJECT", 100, 1, 1, true, null, null);
    }

    static StageNode source(String name) {
        return new StageNode(name, StageKind.TCP_LISTEN, "dev.seda.runtime.TcpPacket", null, null, 1, 1, 0, "REJECT",
                0, 1, 1, false, 8080, null);
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
    void aGraphWithoutSourcesIsAPartWithOneWarning() {
        var g = graph(List.of(stage("a", "P"), stage("b", "P")), List.of(new Edge("a", "b", "P")));
        List<Problem> problems = GraphRules.check(g);
        assertEquals(List.of("SedaNoSource"), ids(problems));
        assertEquals(Problem.Severity.WARNING, problems.get(0).severity());
        assertTrue(problems.get(0).format().contains("@StageGraph(includes = ...)"), problems.get(0).format());
    }

    @Test
    void reportsUnboundedQueuesAndBadThreadBounds() {
        StageNode a = stage("a", "P");
        StageNode unbounded = new StageNode("a", a.kind(), a.eventType(), a.handler(), a.source(), 3, 2,
                Integer.MAX_VALUE, "REJECT", 100, 1, 1, true, null, null);
        var g = graph(List.of(source("listen:a"), unbounded), List.of(new Edge("listen:a", "a", "P")));
        assertEquals(List.of("SedaUnboundedQueue", "SedaThreadBounds"), ids(GraphRules.check(g)));
    }

    @Test
    void reportsAStageWhoseOutputGoesNowhereUnlessItIsASink() {
        StageNode a = stage("a", "P");
        StageNode deadEnd = new StageNode("a", a.kind(), a.eventType(), a.handler(), a.source(), 1, 1, 64, "REJECT",
                100, 1, 1, false, null, null);
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

    static StageNode with(StageNode s, int minThreads, int maxThreads, String whenFull) {
        return new StageNode(s.name(), s.kind(), s.eventType(), s.handler(), s.source(), minThreads, maxThreads,
                s.queueCapacity(), whenFull, s.blockMillis(), s.minBatch(), s.maxBatch(), s.sink(), s.port(), s.periodMillis());
    }

    static StageNode blocking(String name) {
        return with(stage(name, "P"), 1, 1, "BLOCK");
    }

    static List<Problem> only(String id, List<Problem> problems) {
        return problems.stream().filter(p -> p.id().equals(id)).toList();
    }

    @Test
    void reportsACycleOfBlockingQueuesWithItsStagesInOrder() {
        // listen -> a -> b -> c -> a, all BLOCK; d hangs off the cycle and does not matter
        var g = graph(List.of(source("listen:a"), blocking("a"), blocking("b"), blocking("c"), blocking("d")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "b", "P"), new Edge("b", "c", "P"),
                        new Edge("c", "a", "P"), new Edge("c", "d", "P")));
        List<Problem> problems = GraphRules.check(g);
        assertEquals(List.of("SedaBlockingCycle"), ids(problems));
        String text = problems.get(0).format();
        assertTrue(text.startsWith("[SedaBlockingCycle] graph demo, stage a at demo.Svc#a (demo/Svc.java:10): the cycle"
                + " a -> b -> c -> a has only queues that BLOCK when full"), text);
        assertTrue(text.contains("b at demo.Svc#b (demo/Svc.java:10)"), text);
        assertTrue(text.contains("Hint: let one stage of the cycle shed load"), text);
    }

    @Test
    void aCycleWithASheddingQueueIsFine() {
        for (String shedding : List.of("REJECT", "DROP_OLDEST")) {
            var g = graph(List.of(source("listen:a"), blocking("a"), with(stage("b", "P"), 1, 1, shedding), blocking("c")),
                    List.of(new Edge("listen:a", "a", "P"), new Edge("a", "b", "P"), new Edge("b", "c", "P"),
                            new Edge("c", "a", "P")));
            assertEquals(List.of(), GraphRules.check(g), shedding);
        }
    }

    @Test
    void aBlockingStageThatFeedsItselfIsACycle() {
        var g = graph(List.of(source("listen:a"), blocking("a")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "a", "P")));
        List<Problem> problems = GraphRules.check(g);
        assertEquals(List.of("SedaBlockingCycle"), ids(problems));
        assertTrue(problems.get(0).message().contains("the cycle a -> a "), problems.get(0).message());
    }

    @Test
    void everySeparateBlockingCycleIsReportedAndTheShortestCycleIsNamed() {
        // {a, b, c} with a->b->a and a->c->b (a longer cycle through the same stages), and {x, y}
        var g = graph(List.of(source("listen:a"), blocking("a"), blocking("b"), blocking("c"), blocking("x"),
                        blocking("y")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "c", "P"), new Edge("c", "b", "P"),
                        new Edge("a", "b", "P"), new Edge("b", "a", "P"), new Edge("b", "x", "P"),
                        new Edge("x", "y", "P"), new Edge("y", "x", "P")));
        List<Problem> problems = GraphRules.check(g);
        assertEquals(List.of("SedaBlockingCycle", "SedaBlockingCycle"), ids(problems));
        assertTrue(problems.get(0).message().contains("the cycle a -> b -> a "), problems.get(0).message());
        assertTrue(problems.get(0).message().contains("Blocking stages c are on further cycles"), problems.get(0).message());
        assertTrue(problems.get(1).message().contains("the cycle x -> y -> x "), problems.get(1).message());
    }

    @Test
    void aBlockingPipelineWithoutACycleIsFine() {
        var g = graph(List.of(source("listen:a"), blocking("a"), blocking("b")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "b", "P")));
        assertEquals(List.of(), GraphRules.check(g));
    }

    @Test
    void reportsGraphsBeyondTheThreadBudgetNamingTheLargestStages() {
        var g = graph(List.of(source("listen:a"), with(stage("a", "P"), 1, 4, "REJECT"), with(stage("b", "P"), 2, 200, "REJECT"),
                        with(stage("c", "P"), 1, 60, "REJECT")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "b", "P"), new Edge("a", "c", "P")));
        List<Problem> problems = GraphRules.check(g);
        assertEquals(List.of("SedaThreadBudget"), ids(problems), "4 + 200 + 60 = 264 threads, over the default 256");
        String text = problems.get(0).format();
        assertTrue(text.startsWith("[SedaThreadBudget] graph demo, 3 application stages of demo.Svc: together they may"
                + " run 264 threads (the sum of each stage's max threads), more than the thread budget of 256."
                + " The largest: b threads 2..200 at demo.Svc#b (demo/Svc.java:10), c threads 1..60"), text);
        assertTrue(text.contains("<threadBudget>264</threadBudget>") && text.contains("-Dseda.threadBudget=264"), text);
        assertEquals(List.of(), GraphRules.check(g, new GraphRules.Options(264)), "exactly at the budget is fine");
        assertEquals(List.of("SedaThreadBudget"), ids(GraphRules.check(g, new GraphRules.Options(263))));
    }

    @Test
    void theThreadBudgetCountsApplicationStagesOnlyAndMustBePositive() {
        var g = graph(List.of(source("listen:a"), with(stage("a", "P"), 1, 2, "REJECT")),
                List.of(new Edge("listen:a", "a", "P")));
        assertEquals(List.of(), GraphRules.check(g, new GraphRules.Options(2)), "the TCP source's thread is not counted");
        assertThrows(IllegalArgumentException.class, () -> new GraphRules.Options(0));
        assertEquals(256, GraphRules.Options.defaults().threadBudget());
    }

    @Test
    void mergesAndChecksA200StageGraphSpanningFourDescriptors() {
        // 200 stages over 4 descriptors (a graph spanning modules), a binary tree with back edges and
        // blocking cycles, so that every rule has work to do.
        List<StageGraphModel> parts = new ArrayList<>();
        List<StageNode> stages = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        stages.add(source("listen:s0"));
        edges.add(new Edge("listen:s0", "s0", "P"));
        for (int i = 0; i < 200; i++) {
            stages.add(i % 5 == 0 ? blocking("s" + i) : stage("s" + i, "P"));
            if (i > 0) {
                edges.add(new Edge("s" + ((i - 1) / 2), "s" + i, "P"));
            }
            if (i % 10 == 9) {
                edges.add(new Edge("s" + i, "s" + (i / 4), "P"));
            }
            if (i % 50 == 49) {
                parts.add(new StageGraphModel(1, "big", "demo.Part" + i, stages, edges));
                stages = new ArrayList<>();
                edges = new ArrayList<>();
            }
        }
        // How fast this is belongs to the benchmarks (GraphCheckBenchmark); here: that it all works.
        GraphRules.Merged merged = GraphRules.merge(parts);
        assertEquals(List.of(), merged.problems(), "no duplicate stages across the parts");
        assertEquals(1, merged.graphs().size());
        assertEquals(201, merged.graphs().get(0).stages().size());
    }
}
