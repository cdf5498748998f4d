package dev.seda.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** What both goals share: the project's classes directory, its compile class path, loading the graphs. */
abstract class AbstractSedaMojo extends AbstractMojo {

    /** The project being built. */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /** The module's compiled classes, where the annotation processor writes {@code META-INF/seda/*.json}. */
    @Parameter(defaultValue = "${project.build.outputDirectory}", readonly = true, required = true)
    protected File classesDirectory;

    /** This plugin's version, quoted in the set-up hint. */
    @Parameter(defaultValue = "${plugin.version}", readonly = true)
    protected String pluginVersion;

    /** Skips the seda goals of this module ({@code check}, {@code diagram} and {@code run}). */
    @Parameter(property = "seda.skip", defaultValue = "false")
    protected boolean skip;

    /** Reads and merges the descriptors of the module and its compile-scope dependencies. */
    protected GraphCheck.Loaded load() throws MojoExecutionException, MojoFailureException {
        List<Path> dependencies = new ArrayList<>();
        try {
            for (String element : project.getCompileClasspathElements()) {
                dependencies.add(Path.of(element));
            }
        } catch (DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("seda: cannot resolve the compile class path of " + project.getId(), e);
        }
        List<Path> sourceRoots = new ArrayList<>();
        for (String root : project.getCompileSourceRoots()) {
            sourceRoots.add(Path.of(root));
        }
        try {
            return GraphCheck.load(classesDirectory.toPath(), dependencies, sourceRoots);
        } catch (GraphCheck.Failure e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new MojoExecutionException("seda: cannot read stage-graph descriptors: " + e.getMessage(), e);
        }
    }

    protected String sedaVersion() {
        return pluginVersion == null || pluginVersion.isBlank() ? "${seda.version}" : pluginVersion;
    }
}
