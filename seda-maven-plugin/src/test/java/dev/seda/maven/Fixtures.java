package dev.seda.maven;

import dev.seda.graph.StageGraphModel;
import dev.seda.graph.StageGraphModel.Edge;
import dev.seda.graph.StageGraphModel.SourceLocation;
import dev.seda.graph.StageGraphModel.StageNode;
import dev.seda.graph.StageKind;
import java.util.ArrayList;
import java.util.List;

/** Graphs for tests. */
public final class Fixtures {

    private Fixtures() {}

    public static StageNode stage(String name, String eventType) {
        return new StageNode(name, StageKind.APPLICATION, eventType, "demo.Haboob#" + name,
                new SourceLocation("demo/Haboob.java", 10 + name.length()), 1, 4, 4096, "REJECT", 100, 1, 1, true, null, null);
    }

    public static StageNode source(String name, int port) {
        return new StageNode(name, StageKind.TCP_LISTEN, "dev.seda.runtime.TcpPacket", null, null, 1, 1, 1024, "REJECT",
                100, 1, 1, false, port, null);
    }

    /** The Haboob web server: listen -> parse -> lookup -> (readFile ->) reply, with a cycle back to lookup. */
    public static StageGraphModel haboob() {
        return new StageGraphModel(1, "haboob", "demo.Haboob",
                List.of(source("listen:parse", 8080), stage("parse", "dev.seda.runtime.TcpPacket"),
                        stage("lookup", "demo.HttpRequest"), stage("readFile", "demo.FileRequest"),
                        new StageNode("reply", StageKind.APPLICATION, "demo.Reply", "demo.Haboob#reply",
                                new SourceLocation("demo/Haboob.java", 60), 2, 2, 512, "BLOCK", 250, 1, 16, true, null, null)),
                List.of(new Edge("listen:parse", "parse", "dev.seda.runtime.TcpPacket"),
                        new Edge("parse", "lookup", "demo.HttpRequest"),
                        new Edge("lookup", "readFile", "demo.FileRequest"),
                        new Edge("lookup", "reply", "demo.Reply"),
                        new Edge("readFile", "reply", "demo.Reply"),
                        new Edge("readFile", "lookup", "demo.HttpRequest")));
    }

    public static StageGraphModel twoStages() {
        return new StageGraphModel(1, "tiny", "demo.Tiny",
                List.of(source("listen:echo", 7), stage("echo", "dev.seda.runtime.TcpPacket")),
                List.of(new Edge("listen:echo", "echo", "dev.seda.runtime.TcpPacket")));
    }

    /** {@code n} stages in a layered mesh with a few back edges, fed by one source. */
    public static StageGraphModel generated(int n) {
        List<StageNode> stages = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        stages.add(source("listen", 9000));
        for (int i = 0; i < n - 1; i++) {
            stages.add(stage("s" + i, "demo.E" + i));
        }
        edges.add(new Edge("listen", "s0", "demo.E0"));
        for (int i = 1; i < n - 1; i++) {
            edges.add(new Edge("s" + ((i - 1) / 2), "s" + i, "demo.E" + i));
            if (i % 7 == 0) {
                edges.add(new Edge("s" + i, "s" + (i / 3), "demo.E" + (i / 3))); // back edge: a cycle
            }
        }
        return new StageGraphModel(1, "generated", "demo.Generated", stages, edges);
    }
}
