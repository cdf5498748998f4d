package dev.seda.maven.diagram;

import dev.seda.graph.StageGraphModel;
import dev.seda.graph.StageGraphModel.Edge;
import dev.seda.graph.StageGraphModel.StageNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one model every formatter draws: the graph's stages as nodes, in declaration order, plus a
 * placeholder node for every stage an edge names that is not in the graph (so a broken graph can
 * still be drawn and the mistake seen), and the edges in declaration order.
 *
 * @param graph the merged graph
 * @param nodes stages first, then missing targets in order of first mention
 * @param edges every edge of the graph
 */
public record Diagram(StageGraphModel graph, List<Node> nodes, List<Edge> edges) {

    /**
     * A node of the drawing.
     *
     * @param name the stage's name
     * @param index position in {@link Diagram#nodes()}, used for identifiers that must not contain the name
     * @param stage the stage, or {@code null} when an edge names a stage the graph does not have
     */
    public record Node(String name, int index, StageNode stage) {
        public boolean missing() {
            return stage == null;
        }

        /** Whether the runtime runs it (a TCP listener, a timer, the file stage): drawn as I/O. */
        public boolean io() {
            return stage != null && stage.kind().isIo();
        }
    }

    public Diagram {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    public static Diagram of(StageGraphModel graph) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (StageNode stage : graph.stages()) {
            nodes.putIfAbsent(stage.name(), new Node(stage.name(), nodes.size(), stage));
        }
        for (Edge edge : graph.edges()) {
            for (String end : List.of(edge.from(), edge.to())) {
                nodes.computeIfAbsent(end, name -> new Node(name, nodes.size(), null));
            }
        }
        return new Diagram(graph, new ArrayList<>(nodes.values()), graph.edges());
    }

    public Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }
}
