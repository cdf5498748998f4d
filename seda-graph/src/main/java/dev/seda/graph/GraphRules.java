package dev.seda.graph;

import dev.seda.graph.Problem.Severity;
import dev.seda.graph.StageGraphModel.Edge;
import dev.seda.graph.StageGraphModel.StageNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole-graph rules, in one place. Per-method mistakes are the processor's business (it reports
 * them on the offending element); these need the merged graph.
 */
public final class GraphRules {

    private GraphRules() {}

    /** Merges descriptors that share a graph name (a graph may span modules); duplicate stages are problems. */
    public static Merged merge(List<StageGraphModel> descriptors) {
        Map<String, List<StageGraphModel>> byName = new LinkedHashMap<>();
        for (StageGraphModel d : descriptors) {
            byName.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(d);
        }
        List<StageGraphModel> graphs = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (var entry : byName.entrySet()) {
            Map<String, StageNode> stages = new LinkedHashMap<>();
            Map<String, String> owner = new HashMap<>();
            List<Edge> edges = new ArrayList<>();
            for (StageGraphModel part : entry.getValue()) {
                for (StageNode stage : part.stages()) {
                    StageNode first = stages.putIfAbsent(stage.name(), stage);
                    if (first != null) {
                        problems.add(new Problem("SedaDuplicateStage", Severity.ERROR, entry.getKey(),
                                "stage " + stage.name() + " at " + stage.where(),
                                "the name is also used by " + first.where() + " in " + owner.get(stage.name()) + ".",
                                "give one of the stages another name with @Stage(name = \"...\")."));
                    } else {
                        owner.put(stage.name(), part.className());
                    }
                }
                edges.addAll(part.edges());
            }
            String className = entry.getValue().get(0).className();
            graphs.add(new StageGraphModel(StageGraphModel.FORMAT_VERSION, entry.getKey(), className,
                    new ArrayList<>(stages.values()), edges));
        }
        return new Merged(graphs, problems);
    }

    /** The merged graphs and the problems found while merging. */
    public record Merged(List<StageGraphModel> graphs, List<Problem> problems) {}

    /** Checks one (merged) graph and returns every problem found, in a stable order. */
    public static List<Problem> check(StageGraphModel graph) {
        List<Problem> problems = new ArrayList<>();
        checkEdges(graph, problems);
        checkSettings(graph, problems);
        checkReachability(graph, problems);
        return problems;
    }

    private static void checkEdges(StageGraphModel graph, List<Problem> problems) {
        for (Edge edge : graph.edges()) {
            String from = graph.stage(edge.from()).map(StageNode::where).orElse(edge.from());
            var target = graph.stage(edge.to());
            if (target.isEmpty()) {
                problems.add(new Problem("SedaEdgeUnknownStage", Severity.ERROR, graph.name(),
                        "stage " + edge.from() + " at " + from,
                        "emits to stage '" + edge.to() + "', which is not in the graph.",
                        "add a @Stage named '" + edge.to() + "' to graph " + graph.name()
                                + " (or put its module on the class path), or fix the name in @Emits."));
            } else if (!target.get().eventType().equals(edge.eventType())) {
                problems.add(new Problem("SedaEdgeTypeMismatch", Severity.ERROR, graph.name(),
                        "stage " + edge.from() + " at " + from,
                        "emits " + edge.eventType() + " to stage '" + edge.to() + "', which takes "
                                + target.get().eventType() + ".",
                        "rebuild both modules with the same seda version, or make the event types agree."));
            }
        }
    }

    private static void checkSettings(StageGraphModel graph, List<Problem> problems) {
        for (StageNode stage : graph.stages()) {
            if (stage.kind() != StageKind.APPLICATION) {
                continue; // the runtime's I/O stages have no queue or pool of the user's choosing
            }
            String where = "stage " + stage.name() + " at " + stage.where();
            if (stage.unboundedQueue()) {
                problems.add(new Problem("SedaUnboundedQueue", Severity.ERROR, graph.name(), where,
                        "its queue is unbounded, so overload turns into memory exhaustion instead of rejections.",
                        "give it a capacity, e.g. @Stage(queue = 1024)."));
            } else if (stage.queueCapacity() < 1) {
                problems.add(new Problem("SedaQueueCapacity", Severity.ERROR, graph.name(), where,
                        "its queue capacity is " + stage.queueCapacity() + ".",
                        "use a capacity of at least 1, e.g. @Stage(queue = 1024)."));
            }
            if (stage.minThreads() < 1 || stage.minThreads() > stage.maxThreads()) {
                problems.add(new Problem("SedaThreadBounds", Severity.ERROR, graph.name(), where,
                        "thread bounds " + stage.minThreads() + ".." + stage.maxThreads() + " are inconsistent.",
                        "use threads = \"min..max\" with 1 <= min <= max."));
            }
        }
    }

    private static void checkReachability(StageGraphModel graph, List<Problem> problems) {
        Map<String, List<String>> next = new HashMap<>();
        for (Edge edge : graph.edges()) {
            next.computeIfAbsent(edge.from(), k -> new ArrayList<>()).add(edge.to());
        }
        Set<String> reached = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        graph.stages().stream().filter(StageNode::isSource).forEach(s -> todo.add(s.name()));
        while (!todo.isEmpty()) {
            String name = todo.poll();
            if (reached.add(name)) {
                todo.addAll(next.getOrDefault(name, List.of()));
            }
        }
        for (StageNode stage : graph.stages()) {
            if (stage.kind() == StageKind.APPLICATION && !stage.sink() && !next.containsKey(stage.name())) {
                problems.add(new Problem("SedaDeadEnd", Severity.ERROR, graph.name(),
                        "stage " + stage.name() + " at " + stage.where(),
                        "emits to no stage, and is not declared a sink, so its events seem to go nowhere.",
                        "add @Emits naming where its output goes, or declare @Stage(sink = true) if it"
                                + " intentionally ends the path (writes a reply, stores, logs)."));
            }
            if (!reached.contains(stage.name())) {
                problems.add(new Problem("SedaUnreachableStage", Severity.ERROR, graph.name(),
                        "stage " + stage.name() + " at " + stage.where(),
                        "no event can reach it: no source (e.g. a @Listen stage) leads to it.",
                        "add it to the @Emits of a stage that is reached, feed it with @Listen, or remove it."));
            }
        }
    }
}
