package dev.seda.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the processor generates for a sample service: exact files, and that they run. */
class GeneratedCodeTest {

    static String resource(String name) {
        try (InputStream in = GeneratedCodeTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JavaFileObject shop() {
        return JavaFileObjects.forSourceString("test.Shop", resource("sample/test/Shop.java"));
    }

    /**
     * Compares the generated files with src/test/resources/golden. After an intended change, rewrite
     * them with {@code ./mvnw test -pl seda-processor -Dseda.updateGolden=true} and review the diff.
     */
    @Test
    void generatesTheGoldenFiles() throws IOException {
        Compilation compilation = javac().withProcessors(new SedaProcessor()).compile(shop());
        assertThat(compilation).succeededWithoutWarnings();
        if (Boolean.getBoolean("seda.updateGolden")) {
            Path golden = Path.of("src/test/resources/golden");
            for (String type : List.of("ShopOut", "ShopGraph", "ShopMain")) {
                Files.writeString(golden.resolve(type + ".java.txt"), compilation.generatedSourceFile("test." + type)
                        .orElseThrow().getCharContent(true));
            }
            Files.writeString(golden.resolve("shop.json"), compilation.generatedFile(
                    javax.tools.StandardLocation.CLASS_OUTPUT, "META-INF/seda/shop.json").orElseThrow().getCharContent(true));
        }
        for (String type : List.of("ShopOut", "ShopGraph", "ShopMain")) {
            assertThat(compilation).generatedSourceFile("test." + type).contentsAsUtf8String()
                    .isEqualTo(resource("golden/" + type + ".java.txt"));
        }
        assertThat(compilation).generatedFile(javax.tools.StandardLocation.CLASS_OUTPUT, "META-INF/seda/shop.json")
                .contentsAsUtf8String().isEqualTo(resource("golden/shop.json"));
    }

    @Test
    void anEmitThatDoesNotMatchItsTargetIsACompileError() {
        String wrong = resource("sample/test/Shop.java")
                .replace("out.order(packet.connection(), new Item(words[0], words.length > 2), Integer.parseInt(words[1]));",
                        "out.order(packet.connection(), Integer.parseInt(words[1]));");
        Compilation compilation = javac().withProcessors(new SedaProcessor())
                .compile(JavaFileObjects.forSourceString("test.Shop", wrong));
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("method order in class test.ShopOut.Parse cannot be applied");
    }

    @Test
    void createsStagesUpstreamFirstSoThatDrainingLosesNothing() {
        JavaFileObject source = JavaFileObjects.forSourceString("test.Web", """
                package test;
                import dev.seda.annotations.*;
                import dev.seda.runtime.TcpPacket;
                @StageGraph("web")
                class Web {
                  @Stage void reply(String text) {}
                  @Stage @Emits("reply") void readFile(Integer id, WebOut.ReadFile out) {}
                  @Stage @Emits({"reply", "readFile"}) void lookup(Long id, WebOut.Lookup out) {}
                  @Stage @Listen @Emits({"reply", "lookup"}) void parse(TcpPacket p, WebOut.Parse out) {}
                }""");
        Compilation compilation = javac().withProcessors(new SedaProcessor()).compile(source);
        assertThat(compilation).succeeded();
        String factory = compilation.generatedSourceFile("test.WebGraph").orElseThrow().getName();
        String code;
        try {
            code = compilation.generatedSourceFile("test.WebGraph").orElseThrow().getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> order = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("> (\\w+) = graph\\.stage\\(").matcher(code);
        while (m.find()) {
            order.add(m.group(1));
        }
        assertEquals(List.of("parse", "lookup", "readFile", "reply"), order, factory);
    }

    /** Another processor generates {@code test.Later} in the first round; seda waits for it. */
    @SupportedAnnotationTypes("dev.seda.annotations.StageGraph")
    static final class GeneratesLater extends AbstractProcessor {
        private boolean done;

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            if (!done) {
                done = true;
                try (Writer w = processingEnv.getFiler().createSourceFile("test.Later").openWriter()) {
                    w.write("package test; public record Later(String text) {}");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return false;
        }
    }

    @Test
    void waitsForEventTypesThatAnotherProcessorGenerates() {
        JavaFileObject source = JavaFileObjects.forSourceString("test.Svc", """
                package test;
                import dev.seda.annotations.*;
                import dev.seda.runtime.TcpPacket;
                @StageGraph("later")
                class Svc {
                  @Stage @Listen @Emits("b") void a(TcpPacket p, SvcOut.A out) { out.b(new Later("x")); }
                  @Stage void b(Later later) {}
                }""");
        Compilation compilation = javac().withProcessors(new SedaProcessor(), new GeneratesLater()).compile(source);
        assertThat(compilation).succeeded();
        assertThat(compilation).generatedSourceFile("test.SvcGraph").contentsAsUtf8String()
                .contains("Stage<Later> b = graph.stage(");
    }

    @Test
    void aSharedPoolOfOneWorkerPerProcessor() {
        JavaFileObject source = JavaFileObjects.forSourceString("test.Svc", """
                package test;
                import dev.seda.annotations.*;
                import dev.seda.runtime.TcpPacket;
                @StageGraph(value = "cores", sharedThreads = StageGraph.CORES)
                class Svc {
                  @Stage(sink = true) @Listen void a(TcpPacket p) {}
                }""");
        Compilation compilation = javac().withProcessors(new SedaProcessor()).compile(source);
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.SvcGraph").contentsAsUtf8String()
                .contains(".sharedPool(Runtime.getRuntime().availableProcessors())");
    }

    /** Compiles sample sources with the processor into {@code dir/name}, like one Maven module. */
    static Path compileModule(Path dir, String name, String classPath, String... samples) throws IOException {
        Path classes = Files.createDirectories(dir.resolve(name));
        List<Path> sources = new java.util.ArrayList<>();
        for (String sample : samples) {
            Path src = dir.resolve("src-" + name).resolve(sample.substring(sample.lastIndexOf('/') + 1));
            Files.createDirectories(src.getParent());
            Files.writeString(src, resource(sample));
            sources.add(src);
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            var task = compiler.getTask(null, files, null, List.of("-d", classes.toString(), "-classpath", classPath),
                    null, files.getJavaFileObjectsFromPaths(sources));
            task.setProcessors(List.of(new SedaProcessor()));
            assertTrue(task.call(), name + " compiles");
        }
        return classes;
    }

    @Test
    void aGraphSpansModules(@TempDir Path dir) throws Exception {
        String testPath = System.getProperty("java.class.path");
        Path lib = compileModule(dir, "lib", testPath, "sample/multi/Inventory.java");
        Path app = compileModule(dir, "app", lib + java.io.File.pathSeparator + testPath, "sample/multi/Front.java");
        assertTrue(Files.readString(app.resolve("META-INF/seda/shop.json")).contains("\"to\" : \"reserve\""),
                "the app's descriptor has its edge into the library's part");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {lib.toUri().toURL(), app.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> front = loader.loadClass("app.Front");
            dev.seda.runtime.Config config = dev.seda.runtime.Config.empty();
            var graph = (dev.seda.runtime.SedaGraph) loader.loadClass("app.FrontGraph")
                    .getMethod("create", front, dev.seda.runtime.Config.class)
                    .invoke(null, front.getConstructor().newInstance(), config);
            assertEquals(List.of("parse", "reserve", "log"), graph.stages().stream().map(s -> s.name()).toList());
            graph.start();
            try (Socket socket = new Socket("127.0.0.1", graph.listenAddress("parse").getPort())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write("pear 4\n".getBytes(StandardCharsets.UTF_8));
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("reserved 4 pear", in.readLine());
            } finally {
                assertTrue(graph.stop(Duration.ofSeconds(5)), "drained");
            }
            assertEquals(List.of("pear"), loader.loadClass("lib.Inventory").getField("LOG").get(null));
        }
    }

    @Test
    void timerAndFileStagesRunFromTheAnnotations(@TempDir Path dir) throws Exception {
        Path classes = compileModule(dir, "notes", System.getProperty("java.class.path"), "sample/test/Notes.java");
        String descriptor = Files.readString(classes.resolve("META-INF/seda/notes.json"));
        assertTrue(descriptor.contains("\"kind\" : \"TIMER\"") && descriptor.contains("\"periodMillis\" : 20"),
                descriptor);
        assertTrue(descriptor.contains("\"from\" : \"sweep\",\n    \"to\" : \"files:read\""), descriptor);
        Path notes = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(notes.resolve("1.txt"), "one");
        Files.writeString(notes.resolve("2.txt"), "two");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> service = loader.loadClass("test.Notes");
            dev.seda.runtime.Config config = dev.seda.runtime.Config.empty().with("dir", notes.toString());
            var graph = (dev.seda.runtime.SedaGraph) loader.loadClass("test.NotesGraph")
                    .getMethod("create", service, dev.seda.runtime.Config.class)
                    .invoke(null, service.getConstructor(dev.seda.runtime.Config.class).newInstance(config), config);
            @SuppressWarnings("unchecked")
            List<String> read = (List<String>) service.getField("READ").get(null);
            graph.start();
            try {
                long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (read.size() < 3 && System.nanoTime() < end) {
                    Thread.sleep(10);
                }
            } finally {
                assertTrue(graph.stop(Duration.ofSeconds(5)));
            }
            // Different files are read in parallel, so their completions may arrive in any order.
            assertEquals(List.of("1:one", "2:two", "3:NoSuchFileException"), read.stream().sorted().toList());
        }
    }

    @Test
    void theGeneratedGraphServesARealConnection(@TempDir Path dir) throws Exception {
        Path classes = compileModule(dir, "classes", System.getProperty("java.class.path"), "sample/test/Shop.java");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> shop = loader.loadClass("test.Shop");
            Class<?> factory = loader.loadClass("test.ShopGraph");
            dev.seda.runtime.Config config = dev.seda.runtime.Config.empty().with("port", "0");
            Object service = shop.getConstructor(dev.seda.runtime.Config.class).newInstance(config);
            var graph = (dev.seda.runtime.SedaGraph) factory
                    .getMethod("create", shop, dev.seda.runtime.Config.class).invoke(null, service, config);
            graph.start();
            try (Socket socket = new Socket("127.0.0.1", graph.listenAddress("parse").getPort())) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write("apple 3\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("ok 3 apple", in.readLine());
                out.write("pear 1 member\n".getBytes(StandardCharsets.UTF_8)); // request class 1
                out.flush();
                assertEquals("ok 1 pear", in.readLine());
            } finally {
                assertTrue(graph.stop(Duration.ofSeconds(5)), "drained");
            }
            @SuppressWarnings("unchecked")
            List<String> audit = (List<String>) shop.getField("AUDIT").get(null);
            assertEquals(Set.of("parsed apple 3", "ordered apple", "parsed pear 1 member", "ordered pear"), Set.copyOf(audit));
            assertEquals(2, graph.stage("order").metrics().handled());
        }
    }
}
