package dev.seda.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seda.graph.DescriptorCodec;
import dev.seda.graph.StageGraphModel;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescriptorDiscoveryTest {

    static Path classesWith(Path dir, StageGraphModel... graphs) throws Exception {
        Path seda = Files.createDirectories(dir.resolve(DescriptorCodec.DIRECTORY));
        for (StageGraphModel g : graphs) {
            Files.writeString(seda.resolve(g.name() + ".json"), DescriptorCodec.write(g));
        }
        return dir;
    }

    static Path jarWith(Path jar, StageGraphModel... graphs) throws Exception {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("META-INF/"));
            out.putNextEntry(new JarEntry(DescriptorCodec.DIRECTORY));
            for (StageGraphModel g : graphs) {
                out.putNextEntry(new JarEntry(DescriptorCodec.DIRECTORY + g.name() + ".json"));
                out.write(DescriptorCodec.write(g).getBytes(StandardCharsets.UTF_8));
            }
            out.putNextEntry(new JarEntry(DescriptorCodec.DIRECTORY + "nested/ignored.json"));
            out.write("not a descriptor".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry("demo/Other.class"));
            out.write(new byte[] {1, 2, 3});
        }
        return jar;
    }

    @Test
    void findsDescriptorsInDirectoriesAndJarsInClassPathOrder(@TempDir Path tmp) throws Exception {
        Path classes = classesWith(tmp.resolve("classes"), Fixtures.twoStages());
        Path jar = jarWith(tmp.resolve("lib.jar"), Fixtures.haboob(), Fixtures.generated(3));
        Path plainJar = jarWith(tmp.resolve("plain.jar"));
        List<DescriptorDiscovery.Found> found = DescriptorDiscovery.find(
                List.of(classes, tmp.resolve("does-not-exist"), plainJar, jar, tmp.resolve("notes.txt")));
        assertEquals(List.of("tiny", "generated", "haboob"), found.stream().map(f -> f.graph().name()).toList(),
                "directory first, then the jar's descriptors by file name");
        assertEquals(Fixtures.haboob(), found.get(2).graph());
        assertTrue(found.get(2).origin().endsWith("lib.jar!/META-INF/seda/haboob.json"), found.get(2).origin());
    }

    @Test
    void aDescriptorOfAnotherFormatVersionFailsWithItsId(@TempDir Path tmp) throws Exception {
        Path seda = Files.createDirectories(tmp.resolve(DescriptorCodec.DIRECTORY));
        Files.writeString(seda.resolve("old.json"), "{\"formatVersion\": 99, \"name\": \"old\"}");
        GraphCheck.Failure failure = assertThrows(GraphCheck.Failure.class, () -> GraphCheck.load(tmp, List.of()));
        assertTrue(failure.getMessage().startsWith("[SedaDescriptorVersion]"), failure.getMessage());
    }

    @Test
    void aMalformedDescriptorFailsNamingTheFile(@TempDir Path tmp) throws Exception {
        Path seda = Files.createDirectories(tmp.resolve(DescriptorCodec.DIRECTORY));
        Files.writeString(seda.resolve("bad.json"), "{ not json");
        GraphCheck.Failure failure = assertThrows(GraphCheck.Failure.class, () -> GraphCheck.load(tmp, List.of()));
        assertTrue(failure.getMessage().contains("bad.json"), failure.getMessage());
    }
}
