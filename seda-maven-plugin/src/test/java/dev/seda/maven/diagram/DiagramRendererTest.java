package dev.seda.maven.diagram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.seda.maven.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagramRendererTest {

    @Test
    void writesFourFilesPerGraph(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("target/seda");
        List<Path> written = new DiagramRenderer().write(List.of(Fixtures.haboob(), Fixtures.twoStages()), out);
        assertEquals(List.of(out.resolve("haboob.svg"), out.resolve("haboob.html"), out.resolve("haboob.dot"),
                out.resolve("haboob.mmd"), out.resolve("tiny.svg"), out.resolve("tiny.html"), out.resolve("tiny.dot"),
                out.resolve("tiny.mmd")), written);
        for (Path p : written) {
            assertEquals(true, Files.size(p) > 0, p.toString());
        }
        byte[] first = Files.readAllBytes(out.resolve("haboob.svg"));
        new DiagramRenderer().write(List.of(Fixtures.haboob()), out);
        assertArrayEquals(first, Files.readAllBytes(out.resolve("haboob.svg")));
    }

    @Test
    void graphNamesBecomeSafeFileNames() {
        assertEquals("haboob", DiagramRenderer.fileName("haboob"));
        assertEquals("a_b_c", DiagramRenderer.fileName("a/b\\c"));
        assertEquals("_..", DiagramRenderer.fileName(".."));
    }

    /**
     * Writes the diagrams of a 2-stage and a 200-stage graph to {@code target/diagram-samples}, for people
     * to look at (e.g. {@code rsvg-convert target/diagram-samples/generated.svg -o /tmp/g.png}).
     */
    @Test
    void writesSamplesToLookAt() throws Exception {
        Path out = Path.of("target/diagram-samples");
        List<Path> written = new DiagramRenderer().write(List.of(Fixtures.twoStages(), Fixtures.haboob(),
                Fixtures.generated(200)), out);
        assertEquals(12, written.size());
    }
}
