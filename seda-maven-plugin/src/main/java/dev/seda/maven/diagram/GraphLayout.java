package dev.seda.maven.diagram;

import dev.seda.graph.StageGraphModel.Edge;
import java.util.List;

/**
 * Where everything of a {@link Diagram} goes, in pixels, origin top left.
 *
 * @param width drawing width
 * @param height drawing height
 * @param nodes one box per diagram node, same order
 * @param edges one routed path per diagram edge, same order
 */
public record GraphLayout(double width, double height, List<NodeBox> nodes, List<EdgePath> edges) {

    public GraphLayout {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** A node's box and the text lines drawn in it. */
    public record NodeBox(Diagram.Node node, List<String> lines, double x, double y, double width, double height) {
        public NodeBox {
            lines = List.copyOf(lines);
        }
    }

    /** An edge's route (start, bend points, end) and its label's box. */
    public record EdgePath(Edge edge, List<Point> points, String label, Box labelBox) {
        public EdgePath {
            points = List.copyOf(points);
        }
    }

    public record Point(double x, double y) {}

    public record Box(double x, double y, double width, double height) {}
}
