package dev.seda.graph;

/**
 * One thing wrong with a stage graph, with a stable id, where it is and how to fix it.
 *
 * @param id stable identifier such as {@code SedaUnreachableStage}
 * @param severity whether it fails the build
 * @param graph the graph's name, or {@code null} when the problem is not about a known graph
 * @param where the stage and its source location, or the graph
 * @param message what is wrong
 * @param hint how to fix it
 */
public record Problem(String id, Severity severity, String graph, String where, String message, String hint) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    public Problem withSeverity(Severity newSeverity) {
        return new Problem(id, newSeverity, graph, where, message, hint);
    }

    /** {@code [SedaUnreachableStage] graph haboob, stage cleanup at Haboob#cleanup (Haboob.java:40): ... Hint: ...} */
    public String format() {
        return "[" + id + "] " + (graph == null ? "" : "graph " + graph + ", ") + where + ": " + message + " Hint: " + hint;
    }
}
