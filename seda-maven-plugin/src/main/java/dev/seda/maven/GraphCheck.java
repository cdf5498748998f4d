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
     * @param outputProblems the module's descriptors that do not match its classes or sources (stale output)
     */
    public record Loaded(List<DescriptorDiscovery.Found> moduleDescriptors, List<DescriptorDiscovery.Found> allDescriptors,
            Optional<Path> annotatedClass, GraphRules.Merged merged, List<Problem> outputProblems) {

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
        return load(classesDir, dependencies, List.of());
    }

    /**
     * Reads and merges the descriptors of a module and its dependencies, and compares the module's own
     * descriptors with its classes and sources (see {@link #staleOutput}).
     *
     * @param sourceRoots the module's compile source roots, where the graph classes' sources are
     */
    public static Loaded load(Path classesDir, List<Path> dependencies, List<Path> sourceRoots) throws Failure, IOException {
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
        List<Path> annotated = AnnotationUsage.annotatedClasses(classesDir);
        GraphRules.Merged merged = GraphRules.merge(all.stream().map(DescriptorDiscovery.Found::graph).toList());
        List<Problem> stale = own.isEmpty() ? List.of() : staleOutput(classesDir, annotated, own, sourceRoots);
        return new Loaded(own, all, annotated.stream().findFirst(), merged, stale);
    }

    /**
     * Stale output: descriptors that do not describe the module's current code because the annotation
     * processor did not run on the last compile (an IDE or a build without the processor compiled the
     * classes, and an old descriptor was left behind).
     * <ul>
     *   <li>a class carries {@code @StageGraph} but none of the module's descriptors is for it
     *       ({@code SedaNoDescriptor}, per class);
     *   <li>a graph's source file is newer than its descriptor ({@code SedaStaleDescriptor}).
     * </ul>
     * The source, not the class file, is compared: javac writes class files after the processor has
     * written the descriptor, so a fresh descriptor is always a little older than its class (0.3 s in
     * the valid-service sample), while a compile that ran the processor always started after the
     * source's last change. A source dated in the future (clock skew, unpacked archives) is ignored.
     */
    static List<Problem> staleOutput(Path classesDir, List<Path> annotatedClasses, List<DescriptorDiscovery.Found> own,
            List<Path> sourceRoots) throws IOException {
        List<Problem> problems = new ArrayList<>();
        Set<String> described = new java.util.HashSet<>();
        for (DescriptorDiscovery.Found found : own) {
            described.add(found.graph().className());
        }
        for (Path classFile : annotatedClasses) {
            String className = AnnotationUsage.className(classesDir, classFile);
            if (!described.contains(className)) {
                problems.add(new Problem("SedaNoDescriptor", Problem.Severity.ERROR, null, "class " + className,
                        classFile + " uses @StageGraph, but none of the descriptors in " + classesDir.resolve(
                                DescriptorCodec.DIRECTORY) + " is for it, so its graph is neither checked nor drawn:"
                                + " the seda annotation processor did not run on the last compile.",
                        PROCESSOR_HINT));
            }
        }
        long now = System.currentTimeMillis();
        for (DescriptorDiscovery.Found found : own) {
            Path descriptor = Path.of(found.origin());
            if (!java.nio.file.Files.isRegularFile(descriptor)) {
                continue;
            }
            long written = java.nio.file.Files.getLastModifiedTime(descriptor).toMillis();
            for (Path source : sourcesOf(found.graph(), sourceRoots)) {
                long changed = java.nio.file.Files.getLastModifiedTime(source).toMillis();
                if (changed > written && changed <= now) {
                    problems.add(new Problem("SedaStaleDescriptor", Problem.Severity.ERROR, found.graph().name(),
                            "class " + found.graph().className() + " (" + source + ")",
                            "its descriptor " + descriptor + " was written before the source last changed ("
                                    + java.time.Instant.ofEpochMilli(written) + " < " + java.time.Instant.ofEpochMilli(changed)
                                    + "), so the graph checked and drawn is an old one: the seda annotation processor"
                                    + " did not run on the last compile.",
                            PROCESSOR_HINT));
                    break;
                }
            }
        }
        return problems;
    }

    static final String PROCESSOR_HINT = "rebuild with mvn clean verify, and make sure seda-processor is on the"
            + " maven-compiler-plugin's annotationProcessorPaths (required on JDK 23+) and <proc> is not 'none'."
            + " An IDE that compiles into target/classes needs annotation processing enabled, or a mvn clean afterwards.";

    /** The existing source files of a graph: its stages' files, else the class name's file, under any root. */
    private static List<Path> sourcesOf(StageGraphModel graph, List<Path> sourceRoots) {
        Set<String> relative = new java.util.LinkedHashSet<>();
        for (StageGraphModel.StageNode stage : graph.stages()) {
            if (stage.source() != null && stage.source().file() != null && stage.source().file().endsWith(".java")) {
                relative.add(stage.source().file());
            }
        }
        if (relative.isEmpty() && graph.className() != null) {
            relative.add(graph.className().replace('.', '/') + ".java");
        }
        List<Path> sources = new ArrayList<>();
        for (String file : relative) {
            for (Path root : sourceRoots) {
                Path candidate = root.resolve(file);
                if (java.nio.file.Files.isRegularFile(candidate)) {
                    sources.add(candidate);
                    break;
                }
            }
        }
        return sources;
    }

    /** Checks every merged graph with the default options; problems whose id is in {@code downgrade} become warnings. */
    public static Outcome check(Loaded loaded, Collection<String> downgrade) {
        return check(loaded, downgrade, GraphRules.Options.defaults());
    }

    /**
     * Checks every merged graph; problems whose id is in {@code downgrade} become warnings. Stale output
     * comes first, since it makes the rest doubtful.
     */
    public static Outcome check(Loaded loaded, Collection<String> downgrade, GraphRules.Options options) {
        Set<String> ids = downgrade == null ? Set.of() : Set.copyOf(downgrade);
        List<Problem> problems = new ArrayList<>(loaded.outputProblems());
        problems.addAll(loaded.merged().problems());
        for (StageGraphModel graph : loaded.graphs()) {
            problems.addAll(GraphRules.check(graph, options));
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
