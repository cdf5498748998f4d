package dev.seda.maven;

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
 * problem (unknown edge targets, mismatched event types, unreachable stages, unbounded queues, ...).
 * Also fails with {@code [SedaNoDescriptor]} when the classes use {@code @StageGraph} but the annotation
 * processor produced no descriptor.
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

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("seda: check skipped");
            return;
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
        GraphCheck.Outcome outcome = GraphCheck.check(loaded, warnings);
        if (!outcome.errors().isEmpty()) {
            throw new MojoFailureException(GraphCheck.failureMessage(outcome));
        }
        for (Problem warning : outcome.warnings()) {
            getLog().warn(warning.format());
        }
        getLog().info("seda: checked " + loaded.graphs().size() + " stage graph(s) from "
                + loaded.allDescriptors().size() + " descriptor(s): "
                + (outcome.warnings().isEmpty() ? "no problems" : outcome.warnings().size() + " warning(s)"));
    }
}
