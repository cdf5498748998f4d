package dev.seda.maven.diagram;

import dev.seda.graph.StageGraphModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the {@code diagram} goal does, without Maven: lay each graph out once, write every format. */
public final class DiagramRenderer {

    private final List<DiagramFormatter> formatters =
            List.of(new SvgFormatter(), new HtmlFormatter(), new DotFormatter(), new MermaidFormatter());

    /** Every format of one graph: extension to file content, in a fixed order (svg, html, dot, mmd). */
    public Map<String, String> render(StageGraphModel graph) {
        Diagram diagram = Diagram.of(graph);
        GraphLayout layout = ElkLayout.layout(diagram);
        Map<String, String> files = new LinkedHashMap<>();
        for (DiagramFormatter formatter : formatters) {
            files.put(formatter.extension(), formatter.format(diagram, layout));
        }
        return files;
    }

    /** Writes {@code <graph>.svg}, {@code .html}, {@code .dot} and {@code .mmd} of every graph; returns the paths. */
    public List<Path> write(List<StageGraphModel> graphs, Path outputDirectory) throws IOException {
        Files.createDirectories(outputDirectory);
        List<Path> written = new ArrayList<>();
        for (StageGraphModel graph : graphs) {
            String base = fileName(graph.name());
            for (var file : render(graph).entrySet()) {
                Path path = outputDirectory.resolve(base + "." + file.getKey());
                byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
                // Leave an identical file alone: keeps its timestamp, so incremental tools see no change.
                if (!Files.isRegularFile(path) || !java.util.Arrays.equals(Files.readAllBytes(path), bytes)) {
                    Files.write(path, bytes);
                }
                written.add(path);
            }
        }
        return written;
    }

    /** Graph names are meant to be lower-case letters, digits and dashes; anything else becomes '_'. */
    static String fileName(String graphName) {
        String safe = graphName == null ? "" : graphName.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() || safe.startsWith(".") ? "_" + safe : safe;
    }
}
