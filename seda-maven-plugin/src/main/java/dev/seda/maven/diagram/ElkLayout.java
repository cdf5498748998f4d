package dev.seda.maven.diagram;

import dev.seda.graph.StageGraphModel.Edge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.elk.alg.layered.options.CycleBreakingStrategy;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.OrderingStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Lays a {@link Diagram} out with ELK layered, in pure Java (no OSGi, no Graphviz): left to right,
 * cycles broken by declaration order ({@link CycleBreakingStrategy#MODEL_ORDER}), node sizes from
 * {@link TextMetrics}, a fixed random seed, so the same diagram always gets the same layout.
 */
public final class ElkLayout {

    /** ELK's meta-data registry is a plain map and its algorithm pools are shared: one layout at a time. */
    private static final Object LOCK = new Object();
    private static boolean registered;

    private ElkLayout() {}

    public static GraphLayout layout(Diagram diagram) {
        synchronized (LOCK) {
            register();
            return doLayout(diagram);
        }
    }

    /**
     * ELK finds its algorithms through {@code ServiceLoader} on its own class loader, which works in a
     * Maven plugin realm; register the layered provider explicitly in case a class loader hides it.
     */
    private static void register() {
        if (!registered) {
            LayoutMetaDataService service = LayoutMetaDataService.getInstance();
            if (service.getAlgorithmData(LayeredOptions.ALGORITHM_ID) == null) {
                service.registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
            }
            registered = true;
        }
    }

    private static GraphLayout doLayout(Diagram diagram) {
        ElkNode root = ElkGraphUtil.createGraph();
        root.setIdentifier("root");
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.RIGHT);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(24));
        root.setProperty(CoreOptions.RANDOM_SEED, 1);
        root.setProperty(LayeredOptions.CYCLE_BREAKING_STRATEGY, CycleBreakingStrategy.MODEL_ORDER);
        root.setProperty(LayeredOptions.CONSIDER_MODEL_ORDER_STRATEGY, OrderingStrategy.NODES_AND_EDGES);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE, 28.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 24.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_LABEL, 4.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 12.0);

        Map<String, ElkNode> elkNodes = new LinkedHashMap<>();
        List<List<String>> lines = new ArrayList<>();
        for (Diagram.Node node : diagram.nodes()) {
            List<String> text = Labels.nodeLines(node);
            lines.add(text);
            ElkNode n = ElkGraphUtil.createNode(root);
            n.setIdentifier("n" + node.index());
            n.setDimensions(TextMetrics.nodeWidth(text, node.io()), TextMetrics.nodeHeight(text));
            elkNodes.put(node.name(), n);
        }
        List<ElkEdge> elkEdges = new ArrayList<>();
        List<String> edgeLabels = new ArrayList<>();
        for (Edge edge : diagram.edges()) {
            ElkEdge e = ElkGraphUtil.createSimpleEdge(elkNodes.get(edge.from()), elkNodes.get(edge.to()));
            String text = Labels.simpleTypeName(edge.eventType());
            edgeLabels.add(text);
            if (!text.isEmpty()) {
                ElkLabel label = ElkGraphUtil.createLabel(text, e);
                label.setDimensions(TextMetrics.edgeLabelWidth(text), TextMetrics.edgeLabelHeight());
                label.setProperty(CoreOptions.EDGE_LABELS_PLACEMENT, EdgeLabelPlacement.CENTER);
            }
            elkEdges.add(e);
        }

        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

        List<GraphLayout.NodeBox> boxes = new ArrayList<>();
        int i = 0;
        for (Diagram.Node node : diagram.nodes()) {
            ElkNode n = elkNodes.get(node.name());
            boxes.add(new GraphLayout.NodeBox(node, lines.get(i++), n.getX(), n.getY(), n.getWidth(), n.getHeight()));
        }
        List<GraphLayout.EdgePath> paths = new ArrayList<>();
        for (int k = 0; k < elkEdges.size(); k++) {
            ElkEdge e = elkEdges.get(k);
            // Simple edges between children of the root: coordinates are relative to the root, like the nodes'.
            List<GraphLayout.Point> points = new ArrayList<>();
            for (ElkEdgeSection section : e.getSections()) {
                if (points.isEmpty()) {
                    points.add(new GraphLayout.Point(section.getStartX(), section.getStartY()));
                }
                for (ElkBendPoint bend : section.getBendPoints()) {
                    points.add(new GraphLayout.Point(bend.getX(), bend.getY()));
                }
                points.add(new GraphLayout.Point(section.getEndX(), section.getEndY()));
            }
            GraphLayout.Box labelBox = null;
            if (!e.getLabels().isEmpty()) {
                ElkLabel l = e.getLabels().get(0);
                labelBox = new GraphLayout.Box(l.getX(), l.getY(), l.getWidth(), l.getHeight());
            }
            paths.add(new GraphLayout.EdgePath(diagram.edges().get(k), points, edgeLabels.get(k), labelBox));
        }
        return new GraphLayout(Math.max(root.getWidth(), 1), Math.max(root.getHeight(), 1), boxes, paths);
    }
}
