package dev.seda.graph;

import java.util.List;
import java.util.Optional;

/**
 * A stage graph as the processor sees it and the tools read it: stages (application and I/O) and the
 * typed edges between them. Written to {@code META-INF/seda/<name>.json} by {@link DescriptorCodec}.
 *
 * @param formatVersion descriptor format; readers reject a major version they do not know
 * @param name the graph's name
 * @param className the annotated class the stages come from
 * @param stages every stage, in declaration order
 * @param edges every edge, in declaration order
 */
public record StageGraphModel(
        int formatVersion, String name, String className, List<StageNode> stages, List<Edge> edges) {

    /** The descriptor format this build writes and reads. */
    public static final int FORMAT_VERSION = 1;

    public StageGraphModel {
        stages = List.copyOf(stages);
        edges = List.copyOf(edges);
    }

    public Optional<StageNode> stage(String stageName) {
        return stages.stream().filter(s -> s.name().equals(stageName)).findFirst();
    }

    /**
     * A stage of the graph. {@code handler} is {@code Class#method}; the runtime's I/O stages have no
     * handler, no source location and no queue (capacity 0). {@code sink} declares that the stage's
     * output intentionally leaves the graph (it writes a reply, stores, logs); {@code port} is a
     * listener's default port, {@code periodMillis} a timer's period.
     */
    public record StageNode(
            String name,
            StageKind kind,
            String eventType,
            String handler,
            SourceLocation source,
            int minThreads,
            int maxThreads,
            int queueCapacity,
            String whenFull,
            long blockMillis,
            int minBatch,
            int maxBatch,
            boolean sink,
            Integer port,
            Long periodMillis) {

        public boolean isSource() {
            return kind.isSource();
        }

        public boolean unboundedQueue() {
            return queueCapacity == Integer.MAX_VALUE;
        }

        /** "1..4", or "2" when min equals max. */
        public String threadsLabel() {
            return minThreads == maxThreads ? Integer.toString(minThreads) : minThreads + ".." + maxThreads;
        }

        /** Where this stage comes from, for messages: {@code Haboob#lookup (Haboob.java:42)}. */
        public String where() {
            String at = handler == null ? kind.label() : handler;
            return source == null ? at : at + " (" + source + ")";
        }
    }

    /** An edge: {@code from} emits events of {@code eventType} into {@code to}'s queue. */
    public record Edge(String from, String to, String eventType) {}

    /** A place in the user's sources. */
    public record SourceLocation(String file, int line) {
        @Override
        public String toString() {
            return line > 0 ? file + ":" + line : file;
        }
    }
}
