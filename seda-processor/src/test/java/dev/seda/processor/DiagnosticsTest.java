package dev.seda.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case per diagnostic: a small class with one mistake, the stable id it must produce and the line
 * of the offending element. Line 1 of every body below is {@code package test;} followed by the imports,
 * so the class starts on line 8.
 */
class DiagnosticsTest {

    private static final String HEADER = String.join("\n",
            "package test;",
            "import dev.seda.annotations.*;",
            "import dev.seda.runtime.Config;",
            "import dev.seda.runtime.TcpPacket;",
            "import java.util.List;",
            "",
            "",
            "");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("SedaEmitsUnknownStage", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen @Emits("nowhere")
                          void a(TcpPacket p, SvcOut.A out) {}
                        }"""),
                Arguments.of("SedaDuplicateStage", 11, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen void a(TcpPacket p) {}
                          @Stage(name = "a")
                          void b(String s) {}
                        }"""),
                Arguments.of("SedaMissingEmitter", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen @Emits("b")
                          void a(TcpPacket p) {}
                          @Stage void b(String s) {}
                        }"""),
                Arguments.of("SedaWrongEmitter", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen @Emits("b")
                          void a(TcpPacket p, SvcOut.B out) {}
                          @Stage @Emits("a") void b(String s, SvcOut.B out) {}
                        }"""),
                Arguments.of("SedaEmitterWithoutEmits", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen @Emits("b") void a(TcpPacket p, SvcOut.A out) {}
                          @Stage void b(String s, SvcOut.B out) {}
                        }"""),
                Arguments.of("SedaPrivateStage", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen
                          private void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaStaticStage", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen
                          static void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaGenericStage", 10, """
                        @StageGraph("g") class Svc {
                          @Stage
                          <T> void a(T event) {}
                        }"""),
                Arguments.of("SedaStageReturnType", 10, """
                        @StageGraph("g") class Svc {
                          @Stage
                          String a(String s) { return s; }
                        }"""),
                Arguments.of("SedaStageNoInput", 10, """
                        @StageGraph("g") class Svc {
                          @Stage
                          void a() {}
                        }"""),
                Arguments.of("SedaUnsupportedParameter", 10, """
                        @StageGraph("g") class Svc {
                          @Stage
                          void a(String... many) {}
                        }"""),
                Arguments.of("SedaUnsupportedParameter", 9, """
                        @StageGraph("g") class Svc {
                          @Stage void a(List<?> items) {}
                        }"""),
                Arguments.of("SedaThreads", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(threads = "4..2")
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaQueueCapacity", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(queue = 0)
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaBlockMillis", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(whenFull = QueueFull.BLOCK, blockMillis = -1)
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaBatch", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(batch = "many")
                          void a(List<String> s) {}
                        }"""),
                Arguments.of("SedaBatchNeedsList", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(batch = "1..16")
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaListenInput", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaListenPort", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen(port = 70000)
                          void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaSinkEmits", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(sink = true) @Listen @Emits("b")
                          void a(TcpPacket p, SvcOut.A out) {}
                          @Stage(sink = true) void b(String s) {}
                        }"""),
                Arguments.of("SedaListenThreads", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(threads = "1..4", sink = true) @Listen
                          void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaListenWhenFull", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(whenFull = QueueFull.BLOCK, sink = true) @Listen
                          void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaPauseAccepting", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(queue = 64, sink = true) @Listen(pauseAcceptingAbove = 64)
                          void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaPauseReading", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(queue = 64, sink = true) @Listen(pauseReadingAbove = -1)
                          void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaUnclassified", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(responseTargetMillis = {500, 100}, sink = true)
                          void a(String s, Integer n) {}
                        }"""),
                Arguments.of("SedaResponseTarget", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(responseTargetMillis = {200, 0})
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaMaxRate", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(maxRate = -5)
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaRejectAbove", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(queue = 100, rejectAbove = 100)
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaGrowAboveShared", 10, """
                        @StageGraph(value = "g", sharedThreads = 2) class Svc {
                          @Stage(threads = "1..4", growAbove = 20, pool = Pool.SHARED)
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaNegativeSetting", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(maxQueueAgeMillis = -1)
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaSharedThreads", 8, """
                        @StageGraph(value = "g", sharedThreads = -2) class Svc {
                          @Stage(sink = true) @Listen void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaEveryInput", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(sink = true) @Every(millis = 100)
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaEveryPeriod", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(sink = true) @Every(millis = 0)
                          void a(dev.seda.runtime.Tick t) {}
                        }"""),
                Arguments.of("SedaTwoSources", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(sink = true) @Every(millis = 10) @Listen
                          void a(dev.seda.runtime.Tick t) {}
                        }"""),
                Arguments.of("SedaUdpInput", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(sink = true) @Udp
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaUdpPort", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(sink = true) @Udp(port = -1)
                          void a(dev.seda.runtime.UdpPacket p) {}
                        }"""),
                Arguments.of("SedaClientInput", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen @Emits("b") void a(TcpPacket p, SvcOut.A out) {}
                          @Stage(sink = true) @TcpClient void b(String s) {}
                        }"""),
                Arguments.of("SedaClientShape", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen @Emits("b") void a(TcpPacket p, SvcOut.A out) {}
                          @Stage(sink = true, threads = "2") @TcpClient void b(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaEventsStage", 9, """
                        @StageGraph("g") class Svc {
                          @Stage(sink = true) @Listen(events = "conns") void a(TcpPacket p) {}
                          @Stage(sink = true) void conns(String notAnEvent) {}
                        }"""),
                Arguments.of("SedaStageName", 10, """
                        @StageGraph("g") class Svc {
                          @Stage(name = "not-an-identifier")
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaEmitsDuplicate", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen @Emits({"b", "b"})
                          void a(TcpPacket p, SvcOut.A out) {}
                          @Stage void b(String s) {}
                        }"""),
                Arguments.of("SedaStageOutsideGraph", 10, """
                        class Svc {
                          @Stage
                          void a(String s) {}
                        }"""),
                Arguments.of("SedaEmitsWithoutStage", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen void a(TcpPacket p) {}
                          @Emits("a") void b(String s) {}
                        }"""),
                Arguments.of("SedaListenWithoutStage", 10, """
                        @StageGraph("g") class Svc {
                          @Stage @Listen void a(TcpPacket p) {}
                          @Listen void b(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaGraphName", 8, """
                        @StageGraph("Not A Name") class Svc {
                          @Stage @Listen void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaGraphClassShape", 8, """
                        @StageGraph("g") abstract class Svc {
                          @Stage @Listen void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaGraphConstructor", 8, """
                        @StageGraph("g") class Svc {
                          Svc(String needsSomething) {}
                          @Stage @Listen void a(TcpPacket p) {}
                        }"""),
                Arguments.of("SedaEmptyGraph", 8, """
                        @StageGraph("g") class Svc {
                        }"""));
    }

    @org.junit.jupiter.api.Test
    void twoClassesCannotClaimTheSameGraphName() {
        JavaFileObject one = JavaFileObjects.forSourceString("test.One", HEADER + "@StageGraph(\"shop\") class One { @Stage(sink = true) @Listen void a(TcpPacket p) {} }");
        JavaFileObject two = JavaFileObjects.forSourceString("test.Two", HEADER
                + "@StageGraph(\"shop\") class Two { @Stage(sink = true) @Listen void b(TcpPacket p) {} }");
        Compilation compilation = javac().withProcessors(new SedaProcessor()).compile(one, two);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("[SedaDuplicateGraph] graph name 'shop' is already used by test.One")
                .inFile(two).onLine(8);
    }

    @org.junit.jupiter.api.Test
    void includesJoinModulesNotClassesOfOneModule() {
        JavaFileObject part = JavaFileObjects.forSourceString("test.Part", HEADER
                + "@StageGraph(\"shop\") public class Part { @Stage(sink = true) void b(String s) {} }");
        JavaFileObject main = JavaFileObjects.forSourceString("test.Main", HEADER
                + "@StageGraph(value = \"shop\", includes = Part.class) class Main {\n"
                + "  @Stage(sink = true) @Listen void a(TcpPacket p) {} }");
        Compilation compilation = javac().withProcessors(new SedaProcessor()).compile(part, main);
        assertThat(compilation).hadErrorContaining("[SedaIncludeSameModule] Main includes test.Part")
                .inFile(main).onLine(8);
    }

    @org.junit.jupiter.api.Test
    void includesMustBeOfTheSameGraph() {
        JavaFileObject main = JavaFileObjects.forSourceString("test.Main", HEADER
                + "@StageGraph(value = \"shop\", includes = String.class) class Main {\n"
                + "  @Stage(sink = true) @Listen void a(TcpPacket p) {} }");
        Compilation compilation = javac().withProcessors(new SedaProcessor()).compile(main);
        assertThat(compilation).hadErrorContaining("[SedaIncludeOtherGraph] Main includes java.lang.String, which is"
                + " not a @StageGraph class").inFile(main).onLine(8);
    }

    @ParameterizedTest(name = "{0} on line {1}")
    @MethodSource("cases")
    void reportsTheMistakeOnTheOffendingElement(String id, int line, String body) {
        JavaFileObject source = JavaFileObjects.forSourceString("test.Svc", HEADER + body);
        Compilation compilation = javac().withProcessors(new SedaProcessor()).compile(source);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("[" + id + "]").inFile(source).onLine(line);
        assertThat(compilation).hadErrorContaining("Hint: ");
    }
}
