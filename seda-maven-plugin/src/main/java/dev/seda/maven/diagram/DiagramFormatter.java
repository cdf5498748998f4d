package dev.seda.maven.diagram;

/** Writes a laid-out diagram in one output format. Implementations are stateless and deterministic. */
public interface DiagramFormatter {

    /** The file extension, without the dot: {@code svg}. */
    String extension();

    /** The whole file's text. Same input, same text. */
    String format(Diagram diagram, GraphLayout layout);
}
