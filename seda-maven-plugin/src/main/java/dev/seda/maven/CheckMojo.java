package dev.seda.maven;

import dev.seda.graph.GraphRules;
import dev.seda.graph.Problem;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Checks the whole stage graph: reads the descriptors ({@code META-INF/seda/*.json}) of this module and
 * of its compile-scope dependencies, merges graphs of the same name, and fails the build listing every
 * problem (unknown edge targets, mismatched event types, unreachable stages, dead ends, cycles of
 * blocking queues, unbounded queues, a thread total beyond the budget, ...). Also fails with
 * {@code [SedaNoDescriptor]} when the classes use {@code @StageGraph} but the annotation processor
 * produced no descriptor, and with {@code [SedaStaleDescriptor]} when a descriptor is older than its
 * graph's source (the processor did not run on the last compile).
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.PROCESS_CLASSES,
        requiresDependencyResolution = ResolutionScope.COMPILE, threadSafe = true)
public class CheckMojo extends AbstractSedaMojo {

    /**
     * Problem ids to report as warnings instead of failing the build, e.g.
     * {@code <warnings><warning>SedaUnreachableStage</warning></warnings>}.
     */
    @Parameter(property = "seda.warnings")
    private List<String> warnings;

    /**
     * Fails the build on warnings too: the problems listed in {@code warnings} are then still reported
     * as warnings, but any of them fails the build. For CI builds that must stay clean.
     */
    @Parameter(property = "seda.failOnWarning", defaultValue = "false")
    private boolean failOnWarning;

    /**
     * The most threads the application stages of one graph may run together: the sum of every stage's
     * {@code max} threads. Beyond it the check reports {@code SedaThreadBudget}. The default, 256, fits a
     * graph of 200 single-threaded stages, or a dozen stages at 16 threads each.
     */
    @Parameter(property = "seda.threadBudget", defaultValue = "256")
    private int threadBudget = GraphRules.Options.DEFAULT_THREAD_BUDGET;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("seda: check skipped");
            return;
        }
        if (threadBudget < 1) {
            throw new MojoFailureException("seda: threadBudget must be at least 1, got " + threadBudget
                    + ". To accept any number of threads, list SedaThreadBudget in <warnings>.");
        }
        GraphCheck.Loaded loaded = load();
        if (loaded.descriptorMissing()) {
            throw new MojoFailureException(GraphCheck.noDescriptorMessage(classesDirectory.toPath(),
                    loaded.annotatedClass().orElseThrow(), sedaVersion()));
        }
        if (loaded.graphs().isEmpty()) {
            getLog().info("seda: no stage graph in " + project.getId() + " or its dependencies, nothing to check");
            return;
        }
        GraphCheck.Outcome outcome = GraphCheck.check(loaded, warnings, new GraphRules.Options(threadBudget));
        if (!outcome.errors().isEmpty() || failOnWarning && !outcome.warnings().isEmpty()) {
            throw new MojoFailureException(GraphCheck.failureMessage(outcome)
                    + (outcome.errors().isEmpty() ? "\n(failOnWarning is set, so warnings fail the build)" : ""));
        }
        for (Problem warning : outcome.warnings()) {
            getLog().warn(warning.format());
        }
        getLog().info("seda: checked " + loaded.graphs().size() + " stage graph(s) from "
                + loaded.allDescriptors().size() + " descriptor(s): "
                + (outcome.warnings().isEmpty() ? "no problems" : outcome.warnings().size() + " warning(s)"));
    }
}
