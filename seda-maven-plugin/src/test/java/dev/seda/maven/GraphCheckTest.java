package dev.seda.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seda.graph.GraphRules;
import dev.seda.graph.Problem;
import dev.seda.graph.StageGraphModel;
import dev.seda.graph.StageGraphModel.Edge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphCheckTest {

    /** Haboob split over two modules: the app module has the source, a library the rest. */
    static StageGraphModel appPart() {
        StageGraphModel h = Fixtures.haboob();
        return new StageGraphModel(1, "haboob", "demo.Haboob", h.stages().subList(0, 2), h.edges().subList(0, 2));
    }

    static StageGraphModel libPart() {
        StageGraphModel h = Fixtures.haboob();
        return new StageGraphModel(1, "haboob", "demo.HaboobLib", h.stages().subList(2, 5), h.edges().subList(2, 6));
    }

    @Test
    void mergesTheModuleWithItsDependenciesBeforeChecking(@TempDir Path tmp) throws Exception {
        Path classes = DescriptorDiscoveryTest.classesWith(tmp.resolve("classes"), appPart());
        Path lib = DescriptorDiscoveryTest.jarWith(tmp.resolve("lib.jar"), libPart());
        GraphCheck.Loaded loaded = GraphCheck.load(classes, List.of(classes, lib));
        assertEquals(1, loaded.moduleDescriptors().size());
        assertEquals(2, loaded.allDescriptors().size(), "the classes directory on the class path is not read twice");
        assertEquals(1, loaded.graphs().size());
        assertEquals(5, loaded.graphs().get(0).stages().size());
        assertEquals(List.of(), GraphCheck.check(loaded, List.of()).problems());

        GraphCheck.Loaded alone = GraphCheck.load(classes, List.of());
        assertEquals(List.of("SedaEdgeUnknownStage"),
                GraphCheck.check(alone, List.of()).problems().stream().map(Problem::id).toList());
    }

    @Test
    void theFailureMessageListsEveryProblemOnItsOwnLine(@TempDir Path tmp) throws Exception {
        StageGraphModel broken = new StageGraphModel(1, "broken", "demo.B",
                List.of(Fixtures.source("listen:a", 1), Fixtures.stage("a", "P"), Fixtures.stage("orphan", "Q"),
                        Fixtures.stage("orphan2", "Q")),
                List.of(new Edge("listen:a", "a", "P"), new Edge("a", "nowhere", "X")));
        Path classes = DescriptorDiscoveryTest.classesWith(tmp, broken);
        GraphCheck.Outcome outcome = GraphCheck.check(GraphCheck.load(classes, List.of()), List.of());
        assertEquals(3, outcome.errors().size());
        String message = GraphCheck.failureMessage(outcome);
        List<String> lines = message.lines().toList();
        assertEquals("seda: graph check found 3 problems (3 errors, 0 warnings):", lines.get(0));
        assertEquals(outcome.problems().stream().map(Problem::format).toList(), lines.subList(1, lines.size()));
        assertTrue(message.contains("[SedaEdgeUnknownStage]") && message.contains("[SedaUnreachableStage] graph broken, stage orphan2"),
                message);
    }

    @Test
    void listedIdsAreDowngradedToWarnings(@TempDir Path tmp) throws Exception {
        StageGraphModel g = new StageGraphModel(1, "g", "demo.G",
                List.of(Fixtures.source("listen:a", 1), Fixtures.stage("a", "P"), Fixtures.stage("spare", "Q")),
                List.of(new Edge("listen:a", "a", "P")));
        GraphCheck.Loaded loaded = GraphCheck.load(DescriptorDiscoveryTest.classesWith(tmp, g), List.of());
        assertEquals(1, GraphCheck.check(loaded, null).errors().size());
        GraphCheck.Outcome outcome = GraphCheck.check(loaded, List.of("SedaUnreachableStage"));
        assertEquals(List.of(), outcome.errors());
        assertEquals(List.of("SedaUnreachableStage"), outcome.warnings().stream().map(Problem::id).toList());
        assertEquals(Problem.Severity.WARNING, outcome.warnings().get(0).severity());
    }

    @Test
    void annotatedClassesWithoutADescriptorAreDetected(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/demo"));
        Files.writeString(src.resolve("Svc.java"),
                "package demo;\n@dev.seda.annotations.StageGraph(\"svc\")\npublic class Svc {}\n");
        Files.writeString(src.resolve("Plain.java"), "package demo;\npublic class Plain {}\n");
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String annotations = Path.of(dev.seda.annotations.StageGraph.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).toString();
        int rc = javac.run(null, null, null, "-proc:none", "-d", classes.toString(), "-cp", annotations,
                src.resolve("Svc.java").toString(), src.resolve("Plain.java").toString());
        assertEquals(0, rc);

        GraphCheck.Loaded loaded = GraphCheck.load(classes, List.of());
        assertEquals(Optional.of(classes.resolve("demo/Svc.class")), loaded.annotatedClass());
        assertTrue(loaded.descriptorMissing());
        String message = GraphCheck.noDescriptorMessage(classes, loaded.annotatedClass().get(), "1.2.3");
        assertTrue(message.startsWith("[SedaNoDescriptor] "), message);
        assertTrue(message.contains("annotationProcessorPaths") && message.contains("JDK 23")
                && message.contains("<artifactId>seda-processor</artifactId>") && message.contains("<version>1.2.3</version>"),
                message);

        DescriptorDiscoveryTest.classesWith(classes, Fixtures.twoStages());
        assertFalse(GraphCheck.load(classes, List.of()).descriptorMissing(), "a descriptor was generated");
    }

    @Test
    void theMarkerIsFoundInRawClassBytesOnly(@TempDir Path tmp) throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes/demo"));
        Files.write(classes.resolve("A.class"), new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1});
        Files.writeString(classes.resolve("notes.txt"), "Ldev/seda/annotations/StageGraph;");
        assertEquals(Optional.empty(), AnnotationUsage.firstAnnotatedClass(tmp.resolve("classes")));
        Files.write(classes.resolve("B.class"),
                ("\u00ca\u00fe junk Ldev/seda/annotations/StageGraph; more").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(Optional.of(classes.resolve("B.class")), AnnotationUsage.firstAnnotatedClass(tmp.resolve("classes")));
        assertEquals(Optional.empty(), AnnotationUsage.firstAnnotatedClass(tmp.resolve("missing")));
    }

    @Test
    void noAnnotationsAndNoDescriptorsMeansNothingToDo(@TempDir Path tmp) throws Exception {
        GraphCheck.Loaded loaded = GraphCheck.load(tmp, List.of());
        assertFalse(loaded.descriptorMissing());
        assertTrue(loaded.graphs().isEmpty());
    }

    @Test
    void aDescriptorOlderThanItsGraphsSourceIsStale(@TempDir Path tmp) throws Exception {
        Path classes = DescriptorDiscoveryTest.classesWith(tmp.resolve("classes"), Fixtures.haboob());
        Path descriptor = classes.resolve("META-INF/seda/haboob.json");
        Path root = tmp.resolve("src/main/java");
        Path source = Files.createDirectories(root.resolve("demo")).resolve("Haboob.java");
        Files.writeString(source, "package demo; class Haboob {}");
        FileTime now = FileTime.fromMillis(System.currentTimeMillis() - 1000);
        FileTime earlier = FileTime.fromMillis(now.toMillis() - 60_000);

        // a normal build: the source changed, then the compile ran the processor
        Files.setLastModifiedTime(source, earlier);
        Files.setLastModifiedTime(descriptor, now);
        assertEquals(List.of(), GraphCheck.load(classes, List.of(), List.of(root)).outputProblems());

        // the source changed after the processor last ran
        Files.setLastModifiedTime(source, now);
        Files.setLastModifiedTime(descriptor, earlier);
        GraphCheck.Loaded loaded = GraphCheck.load(classes, List.of(), List.of(tmp.resolve("other"), root));
        assertEquals(List.of("SedaStaleDescriptor"), loaded.outputProblems().stream().map(Problem::id).toList());
        String text = loaded.outputProblems().get(0).format();
        assertTrue(text.startsWith("[SedaStaleDescriptor] graph haboob, class demo.Haboob (" + source + "): its descriptor "
                + descriptor + " was written before the source last changed"), text);
        assertTrue(text.contains("Hint: rebuild with mvn clean verify") && text.contains("annotationProcessorPaths"), text);
        GraphCheck.Outcome outcome = GraphCheck.check(loaded, List.of());
        assertEquals("SedaStaleDescriptor", outcome.errors().get(0).id(), "reported first: it puts the rest in doubt");
        assertEquals(List.of(), GraphCheck.check(loaded, List.of("SedaStaleDescriptor")).errors(), "can be a warning");

        // a source dated in the future says nothing about the compile
        Files.setLastModifiedTime(source, FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
        assertEquals(List.of(), GraphCheck.load(classes, List.of(), List.of(root)).outputProblems());
        // nor does a descriptor of a dependency, or a module whose sources are elsewhere
        assertEquals(List.of(), GraphCheck.load(tmp.resolve("none"), List.of(classes), List.of(root)).outputProblems());
    }

    @Test
    void anAnnotatedClassWithoutItsOwnDescriptorIsReported(@TempDir Path tmp) throws Exception {
        Path classes = DescriptorDiscoveryTest.classesWith(tmp.resolve("classes"), Fixtures.haboob());
        Path demo = Files.createDirectories(classes.resolve("demo"));
        byte[] annotated = "\u00ca\u00fe Ldev/seda/annotations/StageGraph;".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(demo.resolve("Haboob.class"), annotated);
        Files.write(demo.resolve("Other$Nested.class"), annotated);
        GraphCheck.Loaded loaded = GraphCheck.load(classes, List.of());
        assertFalse(loaded.descriptorMissing(), "the module has a descriptor, just not for every graph class");
        assertEquals(List.of("SedaNoDescriptor"), loaded.outputProblems().stream().map(Problem::id).toList());
        String text = loaded.outputProblems().get(0).format();
        assertTrue(text.startsWith("[SedaNoDescriptor] class demo.Other.Nested: "), text);
        assertTrue(text.contains("none of the descriptors in") && text.contains("annotationProcessorPaths"), text);
    }

    @Test
    void theThreadBudgetReachesTheRules(@TempDir Path tmp) throws Exception {
        GraphCheck.Loaded loaded = GraphCheck.load(DescriptorDiscoveryTest.classesWith(tmp, Fixtures.haboob()), List.of());
        assertEquals(List.of(), GraphCheck.check(loaded, List.of()).problems(), "4 + 4 + 4 + 2 threads");
        assertEquals(List.of("SedaThreadBudget"), GraphCheck.check(loaded, List.of(), new GraphRules.Options(13))
                .problems().stream().map(Problem::id).toList());
    }
}
