package dev.seda.graph;

import dev.seda.graph.Problem.Severity;
import dev.seda.graph.StageGraphModel.Edge;
import dev.seda.graph.StageGraphModel.StageNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
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

    /**
     * What the rules can be told.
     *
     * @param threadBudget the most threads a graph's application stages may run together (the sum of
     *     their {@code max} threads); see {@link #DEFAULT_THREAD_BUDGET}
     */
    public record Options(int threadBudget) {

        /**
         * 256: a graph of 200 stages with the default {@code threads = "1"} fits, and so does a service
         * of a dozen stages at 16 threads each; a typo such as {@code threads = "1..1000"} does not.
         * The runtime still runs every stage's {@code max} threads, each a platform thread with its own
         * stack, and SEDA's point is a few threads per stage, not a thread per request.
         */
        public static final int DEFAULT_THREAD_BUDGET = 256;

        public Options {
            if (threadBudget < 1) {
                throw new IllegalArgumentException("the thread budget must be at least 1, got " + threadBudget);
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_THREAD_BUDGET);
        }
    }

    /** Checks one (merged) graph with the default options. */
    public static List<Problem> check(StageGraphModel graph) {
        return check(graph, Options.defaults());
    }

    /** Checks one (merged) graph and returns every problem found, in a stable order. Thread-safe. */
    public static List<Problem> check(StageGraphModel graph, Options options) {
        Map<String, StageNode> byName = new HashMap<>();
        for (StageNode stage : graph.stages()) {
            byName.putIfAbsent(stage.name(), stage);
        }
        List<Problem> problems = new ArrayList<>();
        checkEdges(graph, byName, problems);
        checkSettings(graph, problems);
        checkReachability(graph, problems);
        checkBlockingCycles(graph, byName, problems);
        checkThreadBudget(graph, options.threadBudget(), problems);
        return problems;
    }

    private static void checkEdges(StageGraphModel graph, Map<String, StageNode> byName, List<Problem> problems) {
        for (Edge edge : graph.edges()) {
            StageNode source = byName.get(edge.from());
            String from = source == null ? edge.from() : source.where();
            var target = java.util.Optional.ofNullable(byName.get(edge.to()));
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
        // No source at all: a library's part of a graph, fed by the module that includes it, where
        // reachability is checked. Say so once instead of calling every stage unreachable.
        boolean part = todo.isEmpty();
        if (part) {
            problems.add(new Problem("SedaNoSource", Severity.WARNING, graph.name(), "classes " + graph.className(),
                    "the graph has no source here (no @Listen stage), so nothing feeds it unless another module"
                            + " includes this part.",
                    "feed a stage with @Listen, or include this class in the graph's main module with"
                            + " @StageGraph(includes = ...)."));
        }
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
            if (!part && !reached.contains(stage.name())) {
                problems.add(new Problem("SedaUnreachableStage", Severity.ERROR, graph.name(),
                        "stage " + stage.name() + " at " + stage.where(),
                        "no event can reach it: no source (e.g. a @Listen stage) leads to it.",
                        "add it to the @Emits of a stage that is reached, feed it with @Listen, or remove it."));
            }
        }
    }

    /**
     * Cycles in which every stage's queue blocks when full: once all their queues are full, each stage's
     * threads wait for room in the next one's queue, which waits on the next, so the cycle stalls (each
     * emit waits {@code blockMillis} and then fails). One shedding queue (REJECT, DROP_OLDEST) breaks it.
     * One problem per strongly connected set of blocking stages, naming a shortest cycle through its first
     * declared stage, in order.
     */
    private static void checkBlockingCycles(StageGraphModel graph, Map<String, StageNode> byName, List<Problem> problems) {
        List<String> blocking = new ArrayList<>();
        for (StageNode stage : graph.stages()) {
            if (stage.kind() == StageKind.APPLICATION && "BLOCK".equals(stage.whenFull())
                    && byName.get(stage.name()) == stage) {
                blocking.add(stage.name());
            }
        }
        if (blocking.isEmpty()) {
            return;
        }
        Set<String> isBlocking = new HashSet<>(blocking);
        Map<String, List<String>> next = new HashMap<>();
        for (Edge edge : graph.edges()) {
            if (isBlocking.contains(edge.from()) && isBlocking.contains(edge.to())) {
                List<String> targets = next.computeIfAbsent(edge.from(), k -> new ArrayList<>());
                if (!targets.contains(edge.to())) {
                    targets.add(edge.to());
                }
            }
        }
        for (List<String> component : stronglyConnected(blocking, next)) {
            String first = component.get(0);
            boolean cyclic = component.size() > 1 || next.getOrDefault(first, List.of()).contains(first);
            if (!cyclic) {
                continue;
            }
            List<String> cycle = shortestCycle(first, new HashSet<>(component), next);
            StringBuilder path = new StringBuilder();
            for (String name : cycle) {
                path.append(name).append(" -> ");
            }
            path.append(first);
            List<String> others = component.stream().filter(n -> !cycle.contains(n)).toList();
            StringBuilder settings = new StringBuilder();
            for (String name : cycle) {
                StageNode s = byName.get(name);
                settings.append(settings.length() == 0 ? "" : "; ").append(name).append(" at ").append(s.where());
            }
            problems.add(new Problem("SedaBlockingCycle", Severity.ERROR, graph.name(),
                    "stage " + first + " at " + byName.get(first).where(),
                    "the cycle " + path + " has only queues that BLOCK when full, a deadlock waiting to happen:"
                            + " once their queues fill, each stage's threads wait for room in the next stage's queue"
                            + " and the cycle stalls (stages: " + settings + ")."
                            + (others.isEmpty() ? "" : " Blocking stages " + String.join(", ", others)
                                    + " are on further cycles with these."),
                    "let one stage of the cycle shed load, e.g. @Stage(whenFull = QueueFull.REJECT) or DROP_OLDEST"
                            + " on " + cycle.get(cycle.size() - 1) + " (its emits then return false when it is full),"
                            + " or break the cycle."));
        }
    }

    /** Tarjan's algorithm, iterative; components in order of their first member's declaration, members too. */
    private static List<List<String>> stronglyConnected(List<String> nodes, Map<String, List<String>> next) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> found = new ArrayList<>();
        int counter = 0;
        for (String root : nodes) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>(); // {node, next child position}
            work.push(new Object[] {root, 0});
            index.put(root, counter);
            low.put(root, counter++);
            stack.push(root);
            onStack.add(root);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                List<String> children = next.getOrDefault(v, List.of());
                int i = (Integer) frame[1];
                if (i < children.size()) {
                    frame[1] = i + 1;
                    String w = children.get(i);
                    if (!index.containsKey(w)) {
                        index.put(w, counter);
                        low.put(w, counter++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, 0});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                } else {
                    work.pop();
                    if (!work.isEmpty()) {
                        String parent = (String) work.peek()[0];
                        low.put(parent, Math.min(low.get(parent), low.get(v)));
                    }
                    if (low.get(v).equals(index.get(v))) {
                        Set<String> component = new HashSet<>();
                        String w;
                        do {
                            w = stack.pop();
                            onStack.remove(w);
                            component.add(w);
                        } while (!w.equals(v));
                        found.add(component);
                    }
                }
            }
        }
        List<List<String>> ordered = new ArrayList<>();
        for (Set<String> component : found) {
            ordered.add(nodes.stream().filter(component::contains).toList());
        }
        ordered.sort(java.util.Comparator.comparingInt(c -> nodes.indexOf(c.get(0))));
        return ordered;
    }

    /** A shortest cycle from {@code start} back to it inside {@code within}, as the stages in order from start. */
    private static List<String> shortestCycle(String start, Set<String> within, Map<String, List<String>> next) {
        Map<String, String> parent = new HashMap<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(start);
        while (!todo.isEmpty()) {
            String v = todo.poll();
            for (String w : next.getOrDefault(v, List.of())) {
                if (w.equals(start)) {
                    List<String> cycle = new ArrayList<>();
                    for (String at = v; at != null; at = parent.get(at)) {
                        cycle.add(0, at);
                    }
                    return cycle;
                }
                if (within.contains(w) && !parent.containsKey(w)) {
                    parent.put(w, v);
                    todo.add(w);
                }
            }
        }
        throw new IllegalStateException("no cycle through " + start); // a non-trivial component always has one
    }

    /** The sum of every application stage's maximum threads must stay within the budget. */
    private static void checkThreadBudget(StageGraphModel graph, int budget, List<Problem> problems) {
        long total = 0;
        List<StageNode> application = new ArrayList<>();
        for (StageNode stage : graph.stages()) {
            if (stage.kind() == StageKind.APPLICATION) {
                total += Math.max(0, stage.maxThreads());
                application.add(stage);
            }
        }
        if (total <= budget) {
            return;
        }
        List<StageNode> largest = new ArrayList<>(application);
        largest.sort(java.util.Comparator.comparingInt(StageNode::maxThreads).reversed()); // stable: ties keep order
        StringBuilder top = new StringBuilder();
        for (StageNode s : largest.subList(0, Math.min(3, largest.size()))) {
            top.append(top.length() == 0 ? "" : ", ").append(s.name()).append(" threads ").append(s.threadsLabel())
                    .append(" at ").append(s.where());
        }
        problems.add(new Problem("SedaThreadBudget", Severity.ERROR, graph.name(),
                application.size() + " application stages of " + graph.className(),
                "together they may run " + total + " threads (the sum of each stage's max threads), more than the"
                        + " thread budget of " + budget + ". The largest: " + top + ".",
                "lower the max threads of the largest stages (SEDA needs a few threads per stage, not one per"
                        + " request), or raise the budget if the machine has the cores and memory for it:"
                        + " <threadBudget>" + total + "</threadBudget> in the seda-maven-plugin configuration, or"
                        + " -Dseda.threadBudget=" + total + "."));
    }
}
