package dev.seda.maven;

import dev.seda.maven.diagram.DiagramRenderer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Draws every stage graph visible to this module (its own descriptors merged with its dependencies')
 * as {@code <graph>.svg}, a self-contained {@code <graph>.html}, Graphviz {@code <graph>.dot} and
 * Mermaid {@code <graph>.mmd}. Laid out in pure Java by ELK layered; no Graphviz needed. Runs alone
 * with {@code mvn compile seda:diagram}.
 */
@Mojo(name = "diagram", defaultPhase = LifecyclePhase.PROCESS_CLASSES,
        requiresDependencyResolution = ResolutionScope.COMPILE, threadSafe = true)
public class DiagramMojo extends AbstractSedaMojo {

    /** Where the diagrams are written. */
    @Parameter(property = "seda.outputDirectory", defaultValue = "${project.build.directory}/seda")
    private File outputDirectory;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("seda: diagram skipped");
            return;
        }
        GraphCheck.Loaded loaded = load();
        if (loaded.descriptorMissing()) {
            // The check goal fails on this; drawing only warns, so that it can run on its own.
            getLog().warn(GraphCheck.noDescriptorMessage(classesDirectory.toPath(),
                    loaded.annotatedClass().orElseThrow(), sedaVersion()));
        }
        for (dev.seda.graph.Problem stale : loaded.outputProblems()) {
            getLog().warn(stale.format()); // the check goal fails on these
        }
        if (loaded.graphs().isEmpty()) {
            getLog().info("seda: no stage graph in " + project.getId() + " or its dependencies, nothing to draw");
            return;
        }
        try {
            List<Path> written = new DiagramRenderer().write(loaded.graphs(), outputDirectory.toPath());
            for (Path path : written) {
                getLog().info("seda: wrote " + path);
            }
        } catch (IOException e) {
            throw new MojoExecutionException("seda: cannot write diagrams to " + outputDirectory + ": " + e.getMessage(), e);
        }
    }
}
