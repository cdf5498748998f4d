package dev.seda.benchmarks;

import dev.seda.graph.GraphRules;
import dev.seda.graph.StageGraphModel;
import dev.seda.graph.StageGraphModel.Edge;
import dev.seda.graph.StageGraphModel.StageNode;
import dev.seda.graph.StageKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The plugin's check at build time (issue 5: "well under a second for a 200-stage graph"): merging
 * four descriptors of one 200-stage graph and running every rule on it. The graph is a binary tree
 * with back edges and blocking stages, so the cycle search has work to do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GraphCheckBenchmark {
    private final List<StageGraphModel> parts = parts(200);

    @Benchmark
    public int mergeAndCheck200Stages() {
        GraphRules.Merged merged = GraphRules.merge(parts);
        int problems = merged.problems().size();
        for (StageGraphModel graph : merged.graphs()) {
            problems += GraphRules.check(graph).size();
        }
        return problems;
    }

    static List<StageGraphModel> parts(int count) {
        List<StageGraphModel> parts = new ArrayList<>();
        List<StageNode> stages = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        stages.add(new StageNode("listen:s0", StageKind.TCP_LISTEN, "P", null, null, 1, 1, 0, "REJECT", 0, 1, 1,
                false, 8080, null));
        edges.add(new Edge("listen:s0", "s0", "P"));
        for (int i = 0; i < count; i++) {
            String whenFull = i % 5 == 0 ? "BLOCK" : "REJECT";
            stages.add(new StageNode("s" + i, StageKind.APPLICATION, "P", "demo.Part#s" + i, null, 1, 2, 64, whenFull,
                    100, 1, 1, true, null, null));
            if (i > 0) {
                edges.add(new Edge("s" + ((i - 1) / 2), "s" + i, "P"));
            }
            if (i % 10 == 9) {
                edges.add(new Edge("s" + i, "s" + (i / 4), "P"));
            }
            if (i % 50 == 49) {
                parts.add(new StageGraphModel(StageGraphModel.FORMAT_VERSION, "big", "demo.Part" + i, stages, edges));
                stages = new ArrayList<>();
                edges = new ArrayList<>();
            }
        }
        return parts;
    }
}
