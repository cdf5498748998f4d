package dev.seda.maven;

import dev.seda.graph.DescriptorCodec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Execute;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Runs the module's service: builds up to {@code process-classes} (so the graph is compiled and, where
 * the {@code check} goal is bound, checked), then starts the generated main ({@code <graph class>Main})
 * in a forked JVM with the module's runtime class path, and waits until it exits. The JVM is forked,
 * like {@code exec:exec}, so the service's shutdown hook drains the stages cleanly on Ctrl-C; a SIGTERM
 * sent to Maven alone is passed on to the service, and Maven waits for it to drain.
 * <p>
 * {@code mvn seda:run -Dseda.args="--port 8080 --root site"}
 */
@Mojo(name = "run", requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = false)
@Execute(phase = LifecyclePhase.PROCESS_CLASSES)
public class RunMojo extends AbstractSedaMojo {

    /**
     * The service's command-line arguments, split at spaces; quote an argument with spaces in
     * {@code "..."} or {@code '...'}. E.g. {@code -Dseda.args="--port 8080 --root site"}.
     */
    @Parameter(property = "seda.args")
    private String args;

    /** Options for the forked JVM, split like {@code args}, e.g. {@code -Dseda.jvmArgs="-Xmx256m"}. */
    @Parameter(property = "seda.jvmArgs")
    private String jvmArgs;

    /**
     * The main class to run. By default the generated main of the module's graph: the {@code className}
     * of its descriptor followed by {@code Main}.
     */
    @Parameter(property = "seda.mainClass")
    private String mainClass;

    /** Which of the module's graphs to run, by name, when it has several (and {@code mainClass} is not set). */
    @Parameter(property = "seda.graph")
    private String graph;

    /** The service's working directory (for relative paths such as {@code --root site}). */
    @Parameter(property = "seda.workingDirectory", defaultValue = "${project.basedir}")
    private File workingDirectory;

    /** The {@code java} launcher; by default the one of the JVM running Maven. */
    @Parameter(property = "seda.java")
    private File java;

    /** How long Maven, when it is stopped, waits for the service to drain before killing it. */
    @Parameter(property = "seda.stopSeconds", defaultValue = "30")
    private int stopSeconds;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("seda: run skipped");
            return;
        }
        String main = mainClass != null && !mainClass.isBlank() ? mainClass.trim() : generatedMain();
        List<String> command = new ArrayList<>();
        command.add(launcher());
        command.addAll(split(jvmArgs));
        command.add(main);
        command.addAll(split(args));

        ProcessBuilder builder = new ProcessBuilder(command).inheritIO().directory(workingDirectory);
        // The class path goes in the environment: no command-line length limit to run into.
        builder.environment().put("CLASSPATH", String.join(File.pathSeparator, runtimeClasspath()));
        getLog().info("seda: running " + String.join(" ", command.subList(1, command.size()))
                + " in a forked JVM (Ctrl-C stops it cleanly)");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new MojoExecutionException("seda: cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        Thread forward = new Thread(() -> stop(process), "seda-run-stop");
        Runtime.getRuntime().addShutdownHook(forward);
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            throw new MojoExecutionException("seda: interrupted while " + main + " was running", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(forward);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the service
            }
        }
        if (status == 130 || status == 143) {
            getLog().info("seda: " + main + " stopped by a signal (status " + status + ")");
        } else if (status != 0) {
            throw new MojoFailureException("seda: " + main + " exited with status " + status
                    + (status == 2 ? " (a bad option: see its message above)" : ""));
        }
    }

    /** SIGTERM to the service (its shutdown hook drains the stages), then wait; kill it only after stopSeconds. */
    private void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(Math.max(1, stopSeconds), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String launcher() {
        if (java != null) {
            return java.getPath();
        }
        Path home = Path.of(System.getProperty("java.home"));
        Path exe = home.resolve("bin").resolve(File.separatorChar == '\\' ? "java.exe" : "java");
        return Files.isRegularFile(exe) ? exe.toString() : "java";
    }

    private List<String> runtimeClasspath() throws MojoExecutionException {
        try {
            return project.getRuntimeClasspathElements();
        } catch (DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("seda: cannot resolve the runtime class path of " + project.getId(), e);
        }
    }

    /** The generated main of the module's (chosen) graph. */
    private String generatedMain() throws MojoExecutionException, MojoFailureException {
        List<DescriptorDiscovery.Found> own;
        try {
            own = DescriptorDiscovery.find(classesDirectory.toPath());
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("seda: cannot read the descriptors in " + classesDirectory + ": "
                    + e.getMessage(), e);
        }
        String hint = " Hint: name the class to run with -Dseda.mainClass=com.example.MyServiceMain.";
        if (own.isEmpty()) {
            throw new MojoFailureException("seda: nothing to run: " + project.getId() + " has no stage-graph descriptor ("
                    + DescriptorCodec.DIRECTORY + "*.json in " + classesDirectory + "). Its classes need @StageGraph,"
                    + " and the seda annotation processor must run (see the seda:check goal)." + hint);
        }
        List<String> names = own.stream().map(f -> f.graph().name()).toList();
        DescriptorDiscovery.Found chosen;
        if (graph != null && !graph.isBlank()) {
            chosen = own.stream().filter(f -> f.graph().name().equals(graph.trim())).findFirst()
                    .orElseThrow(() -> new MojoFailureException("seda: " + project.getId() + " has no graph named '"
                            + graph.trim() + "'; its graphs: " + String.join(", ", names) + "."));
        } else if (own.size() > 1) {
            throw new MojoFailureException("seda: " + project.getId() + " has " + own.size() + " graphs ("
                    + String.join(", ", names) + "); pick one with -Dseda.graph=" + names.get(0) + "." + hint);
        } else {
            chosen = own.get(0);
        }
        String main = chosen.graph().className() + "Main";
        if (!Files.isRegularFile(classesDirectory.toPath().resolve(main.replace('.', '/') + ".class"))) {
            throw new MojoFailureException("seda: the generated main " + main + " of graph " + chosen.graph().name()
                    + " is not in " + classesDirectory + "." + hint);
        }
        return main;
    }

    /** Splits at whitespace; {@code "..."} and {@code '...'} keep spaces (the quotes are removed). */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        if (line == null) {
            return words;
        }
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
