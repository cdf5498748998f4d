package dev.seda.maven;

import dev.seda.graph.DescriptorCodec;
import dev.seda.graph.GraphRules;
import dev.seda.graph.Problem;
import dev.seda.graph.StageGraphModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the {@code check} and {@code diagram} goals do, without Maven: find the module's and its
 * dependencies' descriptors, merge them, check them with {@link GraphRules}. The rules themselves live
 * in seda-graph; this class only gathers input and words the outcome.
 */
public final class GraphCheck {

    /** A problem the user has to fix in the build (becomes a {@code MojoFailureException}). */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        public Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The graphs visible to a module.
     *
     * @param moduleDescriptors descriptors found in the module's own classes directory
     * @param allDescriptors those plus the dependencies' descriptors
     * @param annotatedClass a class of the module carrying {@code @StageGraph}, if any
     * @param merged the merged graphs and the problems found merging them
     */
    public record Loaded(List<DescriptorDiscovery.Found> moduleDescriptors, List<DescriptorDiscovery.Found> allDescriptors,
            Optional<Path> annotatedClass, GraphRules.Merged merged) {

        /** Whether the module uses seda annotations but produced no descriptor: the processor did not run. */
        public boolean descriptorMissing() {
            return annotatedClass.isPresent() && moduleDescriptors.isEmpty();
        }

        public List<StageGraphModel> graphs() {
            return merged.graphs();
        }
    }

    /** Every problem of every graph, in a stable order, with the requested ids downgraded to warnings. */
    public record Outcome(List<Problem> problems) {
        public List<Problem> errors() {
            return problems.stream().filter(Problem::isError).toList();
        }

        public List<Problem> warnings() {
            return problems.stream().filter(p -> !p.isError()).toList();
        }
    }

    private GraphCheck() {}

    /**
     * Reads and merges the descriptors of a module and its dependencies.
     *
     * @param classesDir the module's output directory ({@code target/classes})
     * @param dependencies the compile class path without {@code classesDir}: directories and jars
     * @throws Failure when a descriptor is malformed or of another format version
     * @throws IOException when a class-path entry cannot be read
     */
    public static Loaded load(Path classesDir, List<Path> dependencies) throws Failure, IOException {
        List<DescriptorDiscovery.Found> own;
        List<DescriptorDiscovery.Found> all = new ArrayList<>();
        try {
            own = DescriptorDiscovery.find(classesDir);
            all.addAll(own);
            for (Path dependency : dependencies) {
                if (!dependency.toAbsolutePath().normalize().equals(classesDir.toAbsolutePath().normalize())) {
                    all.addAll(DescriptorDiscovery.find(dependency));
                }
            }
        } catch (DescriptorCodec.IncompatibleDescriptorException | IllegalArgumentException e) {
            throw new Failure(e.getMessage(), e);
        }
        Optional<Path> annotated = AnnotationUsage.firstAnnotatedClass(classesDir);
        GraphRules.Merged merged = GraphRules.merge(all.stream().map(DescriptorDiscovery.Found::graph).toList());
        return new Loaded(own, all, annotated, merged);
    }

    /** Checks every merged graph; problems whose id is in {@code downgrade} become warnings. */
    public static Outcome check(Loaded loaded, Collection<String> downgrade) {
        Set<String> ids = downgrade == null ? Set.of() : Set.copyOf(downgrade);
        List<Problem> problems = new ArrayList<>(loaded.merged().problems());
        for (StageGraphModel graph : loaded.graphs()) {
            problems.addAll(GraphRules.check(graph));
        }
        return new Outcome(problems.stream()
                .map(p -> p.isError() && ids.contains(p.id()) ? p.withSeverity(Problem.Severity.WARNING) : p)
                .toList());
    }

    /** The build-failure message: a summary line, then every problem on a line of its own. */
    public static String failureMessage(Outcome outcome) {
        List<Problem> problems = outcome.problems();
        int errors = outcome.errors().size();
        int warnings = problems.size() - errors;
        StringBuilder message = new StringBuilder("seda: graph check found ")
                .append(plural(problems.size(), "problem"))
                .append(" (").append(plural(errors, "error")).append(", ").append(plural(warnings, "warning")).append("):");
        for (Problem problem : problems) {
            message.append('\n').append(problem.format());
        }
        return message.toString();
    }

    /** Explains that the annotation processor did not run, and how to set it up. */
    public static String noDescriptorMessage(Path classesDir, Path annotatedClass, String sedaVersion) {
        return "[SedaNoDescriptor] " + annotatedClass + " uses @StageGraph, but no stage-graph descriptor ("
                + DescriptorCodec.DIRECTORY + "*.json) was generated in " + classesDir
                + ", so the graph cannot be checked or drawn: the seda annotation processor did not run"
                + " (or the classes are stale). Hint: put seda-processor on the maven-compiler-plugin's"
                + " annotationProcessorPaths (required on JDK 23+, where javac no longer runs processors found"
                + " on the class path), make sure <proc> is not 'none', and rebuild with mvn clean verify:\n"
                + "<plugin>\n"
                + "  <groupId>org.apache.maven.plugins</groupId>\n"
                + "  <artifactId>maven-compiler-plugin</artifactId>\n"
                + "  <configuration>\n"
                + "    <annotationProcessorPaths>\n"
                + "      <path>\n"
                + "        <groupId>dev.seda</groupId>\n"
                + "        <artifactId>seda-processor</artifactId>\n"
                + "        <version>" + sedaVersion + "</version>\n"
                + "      </path>\n"
                + "    </annotationProcessorPaths>\n"
                + "  </configuration>\n"
                + "</plugin>";
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
