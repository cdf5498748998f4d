package dev.seda.maven.diagram;

import dev.seda.graph.StageGraphModel.StageNode;
import dev.seda.graph.StageKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The words every output format shows, so that SVG, HTML, DOT and Mermaid say the same thing. */
public final class Labels {

    private static final Pattern PACKAGE_PREFIX = Pattern.compile("\\b(?:[a-z_][\\w]*\\.)+(?=[A-Za-z_$])");

    private Labels() {}

    /** The lines drawn inside a node: name first, then the settings that matter at a glance. */
    public static List<String> nodeLines(Diagram.Node node) {
        List<String> lines = new ArrayList<>();
        lines.add(node.name());
        StageNode stage = node.stage();
        if (stage == null) {
            lines.add("missing stage");
        } else if (stage.kind().isIo()) {
            lines.add(sourceLabel(stage));
        } else {
            lines.add("threads " + stage.threadsLabel());
            lines.add(queueLabel(stage));
            if (stage.maxBatch() > 1) {
                lines.add("batch " + (stage.minBatch() == stage.maxBatch()
                        ? Integer.toString(stage.maxBatch()) : stage.minBatch() + ".." + stage.maxBatch()));
            }
        }
        return lines;
    }

    /** {@code TCP listen :8080}, {@code UDP :53}, {@code every 1000 ms}, {@code async files}, {@code TCP client}. */
    public static String sourceLabel(StageNode stage) {
        if (stage.kind() == StageKind.TCP_LISTEN) {
            return "TCP listen" + (stage.port() == null ? "" : " :" + stage.port());
        }
        if (stage.kind() == StageKind.UDP) {
            return "UDP" + (stage.port() == null ? "" : " :" + stage.port());
        }
        if (stage.kind() == StageKind.TIMER && stage.periodMillis() != null) {
            return "every " + stage.periodMillis() + " ms";
        }
        return stage.kind().label();
    }

    /** {@code queue 4096, REJECT}; {@code queue 64, BLOCK 100 ms}; {@code queue unbounded, ...}. */
    public static String queueLabel(StageNode stage) {
        if (stage.kind().isIo()) {
            return "queue none (run by the runtime)";
        }
        String capacity = stage.unboundedQueue() ? "unbounded" : Integer.toString(stage.queueCapacity());
        String whenFull = stage.whenFull() == null ? "" : ", " + stage.whenFull();
        if ("BLOCK".equals(stage.whenFull())) {
            whenFull += " " + stage.blockMillis() + " ms";
        }
        return "queue " + capacity + whenFull;
    }

    /** Threads as a table cell: {@code 1..4}. */
    public static String threads(StageNode stage) {
        return stage == null ? "" : stage.threadsLabel();
    }

    /** {@code HaboobGraph.ReplyEvent}: a record the processor generates for a stage with several parameters. */
    private static final Pattern GENERATED_EVENT = Pattern.compile("[A-Za-z_$][\\w$]*Graph\\.([A-Za-z_$][\\w$]*Event)");

    /**
     * A type name without its package: {@code java.util.List<com.x.Page>} becomes {@code List<Page>}.
     * The processor's event records lose their {@code <Class>Graph.} too: it would be on every edge.
     */
    public static String simpleTypeName(String type) {
        if (type == null) {
            return "";
        }
        String simple = PACKAGE_PREFIX.matcher(type).replaceAll("");
        java.util.regex.Matcher generated = GENERATED_EVENT.matcher(simple);
        if (generated.matches()) {
            return generated.group(1);
        }
        int dollar = simple.lastIndexOf('$');
        return dollar >= 0 && dollar < simple.length() - 1 && simple.indexOf('<') < 0 ? simple.substring(dollar + 1) : simple;
    }

    /** The hover text: everything the descriptor knows about the stage. */
    public static String tooltip(Diagram.Node node) {
        StageNode s = node.stage();
        if (s == null) {
            return node.name() + "\nnot in the graph: an edge names it, but no stage has this name";
        }
        StringBuilder t = new StringBuilder(s.name()).append('\n').append(s.kind().label());
        if (s.handler() != null) {
            t.append("\nhandler: ").append(s.handler());
        }
        if (s.source() != null) {
            t.append("\nsource: ").append(s.source());
        }
        if (s.port() != null) {
            t.append("\nport: ").append(s.port());
        }
        t.append("\nevent: ").append(s.eventType());
        if (!s.kind().isIo()) {
            t.append("\nthreads: ").append(s.threadsLabel());
            t.append("\n").append(queueLabel(s));
            t.append("\nbatch: ").append(s.minBatch()).append("..").append(s.maxBatch());
        }
        return t.toString();
    }

    /** Where the stage is declared, for the table: {@code Haboob.java:42}, or empty. */
    public static String location(StageNode stage) {
        return stage == null || stage.source() == null ? "" : stage.source().toString();
    }
}
