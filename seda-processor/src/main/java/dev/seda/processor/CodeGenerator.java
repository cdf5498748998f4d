package dev.seda.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Pool;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.annotations.TcpClient;
import dev.seda.annotations.Udp;
import dev.seda.graph.StageGraphModel.StageNode;
import dev.seda.processor.GraphSpec.StageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.Generated;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.VariableElement;

/**
 * Writes the Java sources of one graph: {@code <Class>Out} (typed emitters), {@code <Class>Graph}
 * (event records and the factory that builds the runtime graph) and {@code <Class>Main}.
 * The output should read like code a person would write; it is deterministic.
 */
final class CodeGenerator {
    private static final String RUNTIME = "dev.seda.runtime";
    private static final ClassName SINK = ClassName.get(RUNTIME, "Sink");
    private static final ClassName STAGE = ClassName.get(RUNTIME, "Stage");
    private static final ClassName STAGE_SETTINGS = ClassName.get(RUNTIME, "StageSettings");
    private static final ClassName WHEN_FULL = ClassName.get(RUNTIME, "WhenFull");
    private static final ClassName SEDA_GRAPH = ClassName.get(RUNTIME, "SedaGraph");
    private static final ClassName CONFIG = ClassName.get(RUNTIME, "Config");
    private static final ClassName DURATION = ClassName.get("java.time", "Duration");
    private static final ClassName ADMISSION = ClassName.get(RUNTIME, "AdmissionPolicy");
    private static final ClassName FILE_REQUESTS = ClassName.get(RUNTIME, "FileRequests");
    private static final ClassName TCP_CONNECTOR = ClassName.get(RUNTIME, "TcpConnector");
    private static final AnnotationSpec GENERATED = AnnotationSpec.builder(Generated.class)
            .addMember("value", "$S", SedaProcessor.class.getName())
            .build();

    private final GraphSpec graph;

    CodeGenerator(GraphSpec graph) {
        this.graph = graph;
    }

    List<JavaFile> files() {
        return List.of(emitters(), factory(), main());
    }

    private JavaFile file(TypeSpec type) {
        type = type.toBuilder().addOriginatingElement(graph.type()).build(); // for incremental builds
        return JavaFile.builder(graph.serviceClass().packageName(), type)
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
    }

    // ---- <Class>Out -------------------------------------------------------------------------------

    private JavaFile emitters() {
        TypeSpec.Builder out = TypeSpec.classBuilder(graph.generated("Out"))
                .addJavadoc("Typed emitters of graph {@code $L}: one per stage that emits, with one method per target.\n",
                        graph.model().name())
                .addJavadoc("Each method returns whether the target stage admitted the event.\n")
                .addAnnotation(GENERATED)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        for (StageSpec stage : ownStages()) {
            if (!stage.targets().isEmpty()) {
                out.addType(emitter(stage));
            }
        }
        return file(out.build());
    }

    private TypeSpec emitter(StageSpec stage) {
        TypeSpec.Builder emitter = TypeSpec.classBuilder(stage.capitalized())
                .addJavadoc("Emitter of stage {@code $L}. Tests may build one from plain sinks, e.g. {@code list::add}.\n",
                        stage.node().name())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL);
        MethodSpec.Builder constructor = MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC);
        for (String targetName : stage.targets()) {
            StageSpec target = graph.stage(targetName);
            TypeName field = target.fileCompletions() ? fileRequests(target)
                    : target.tcpClient() ? TCP_CONNECTOR
                    : ParameterizedTypeName.get(SINK, target.eventType());
            emitter.addField(FieldSpec.builder(field, targetName, Modifier.PRIVATE, Modifier.FINAL).build());
            constructor.addParameter(field, targetName).addStatement("this.$N = $N", targetName, targetName);
        }
        emitter.addMethod(constructor.build());
        for (String targetName : stage.targets()) {
            StageSpec target = graph.stage(targetName);
            if (target.fileCompletions()) {
                emitter.addMethod(ioAccessor(target, fileRequests(target), "File requests whose completions",
                        "readAll(path, context)"));
            } else if (target.tcpClient()) {
                emitter.addMethod(ioAccessor(target, TCP_CONNECTOR, "Outgoing connections whose replies",
                        "connect(host, port)"));
            } else {
                emitter.addMethod(emitMethod(target));
            }
        }
        return emitter.build();
    }

    /** {@code FileRequests<A>} for a stage that takes {@code FileCompletion<A>}. */
    private static TypeName fileRequests(StageSpec target) {
        return ParameterizedTypeName.get(FILE_REQUESTS, ((ParameterizedTypeName) target.eventType()).typeArguments()
                .get(0));
    }

    /** For a target fed by an I/O stage: the handle that makes requests to it, e.g. {@code read()}. */
    private static MethodSpec ioAccessor(StageSpec target, TypeName type, String what, String example) {
        String name = target.node().name();
        return MethodSpec.methodBuilder(name)
                .addJavadoc("$L go to stage {@code $L}, e.g. {@code $L().$L}.\n", what, name, name, example)
                .addModifiers(Modifier.PUBLIC)
                .returns(type)
                .addStatement("return $N", name)
                .build();
    }

    private MethodSpec emitMethod(StageSpec target) {
        String name = target.node().name();
        MethodSpec.Builder method = MethodSpec.methodBuilder(name)
                .addJavadoc("Offers an event to stage {@code $L}; returns false when it was not admitted.\n", name)
                .addModifiers(Modifier.PUBLIC)
                .returns(TypeName.BOOLEAN);
        List<String> args = new ArrayList<>();
        for (int i = 0; i < target.inputs().size(); i++) {
            TypeName type = TypeName.get(target.inputs().get(i).asType());
            if (target.batch()) {
                type = target.eventType(); // a batch stage is offered one event at a time
            }
            String parameter = target.inputNames().get(i);
            method.addParameter(ParameterSpec.builder(type, parameter).build());
            args.add(parameter);
        }
        if (target.hasRecord()) {
            method.addStatement("return $N.offer(new $T($L))", name, target.eventType(), String.join(", ", args));
        } else {
            method.addStatement("return $N.offer($L)", name, args.get(0));
        }
        return method.build();
    }

    // ---- <Class>Graph -----------------------------------------------------------------------------

    private List<StageSpec> ownStages() {
        return graph.stages().stream().filter(s -> s.owner().equals(graph.type())).toList();
    }

    private JavaFile factory() {
        ClassName service = graph.serviceClass();
        TypeSpec.Builder type = TypeSpec.classBuilder(graph.generated("Graph"))
                .addJavadoc("Builds graph {@code $L} from {@link $T}: stages, queues and wiring, in plain Java.\n",
                        graph.model().name(), service)
                .addAnnotation(GENERATED)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addField(FieldSpec.builder(String.class, "NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$S", graph.model().name())
                        .build());
        for (StageSpec stage : ownStages()) {
            if (stage.hasRecord()) {
                type.addType(eventRecord(stage));
            }
        }
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        return file(type.addMethod(create()).addMethod(bind()).build());
    }

    /** Declares every stage of the graph, in topological order, then lets each part bind its handlers. */
    private MethodSpec create() {
        MethodSpec.Builder create = MethodSpec.methodBuilder("create")
                .addJavadoc("Builds the graph around {@code service}. Listener host and port come from {@code config}\n")
                .addJavadoc("($L), else from {@code @Listen}.\n", listenOptions())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(SEDA_GRAPH)
                .addParameter(graph.serviceClass(), "service")
                .addParameter(CONFIG, "config")
                .addStatement("$T.Builder graph = $T.builder(NAME)$L.overrides(config)", SEDA_GRAPH, SEDA_GRAPH,
                        sharedPool());
        for (StageSpec stage : graph.stages()) {
            create.addStatement("$T $N = graph.stage($L)", ParameterizedTypeName.get(STAGE, stage.eventType()),
                    local(stage), settings(stage));
        }
        create.addCode("\n");
        for (GraphSpec.Part part : graph.parts()) {
            CodeBlock instance = part == graph.own() ? CodeBlock.of("service")
                    : CodeBlock.of("new $T($L)", ClassName.get(part.type()), part.configConstructor() ? "config" : "");
            String stages = String.join(", ", part.bindStages().stream().map(n -> local(graph.stage(n))).toList());
            if (part == graph.own()) {
                create.addStatement("bind(graph, service, $L)", stages);
            } else {
                create.addStatement("$T.bind(graph, $L, $L)", GraphSpec.generated(part.type(), "Graph"), instance, stages);
            }
        }
        for (StageSpec stage : graph.timers()) {
            create.addStatement("graph.every($N, $T.ofMillis(config.integer($S, $L)))", local(stage), DURATION,
                    stage.node().name() + ".every-ms", stage.everyMillis());
        }
        List<StageSpec> listeners = graph.listeners();
        for (StageSpec stage : listeners) {
            String prefix = listeners.size() == 1 ? "" : stage.node().name() + ".";
            Listen listen = stage.annotation(Listen.class);
            CodeBlock options = CodeBlock.of("");
            if (!listen.events().isEmpty() || listen.readLimit() > 0 || listen.pauseAcceptingAbove() > 0
                    || listen.pauseReadingAbove() > 0 || listen.receiveBufferBytes() > 0) {
                CodeBlock.Builder o = CodeBlock.builder().add(", $T.defaults()", ClassName.get(RUNTIME, "ListenOptions"));
                if (!listen.events().isEmpty()) {
                    o.add(".events($N)", local(graph.stage(listen.events())));
                }
                if (listen.readLimit() > 0) {
                    o.add(".readLimit($L)", listen.readLimit());
                }
                if (listen.pauseAcceptingAbove() > 0) {
                    o.add(".pauseAcceptingAbove($L)", listen.pauseAcceptingAbove());
                }
                if (listen.pauseReadingAbove() > 0) {
                    o.add(".pauseReadingAbove($L)", listen.pauseReadingAbove());
                }
                if (listen.receiveBufferBytes() > 0) {
                    o.add(".receiveBufferBytes($L)", listen.receiveBufferBytes());
                }
                options = o.build();
            }
            create.addStatement("graph.listen($N, config.string($S, $S), config.integer($S, $L)$L)",
                    local(stage), prefix + "host", stage.listenHost(), prefix + "port", stage.listenPort(), options);
        }
        for (StageSpec stage : graph.udps()) {
            Udp udp = stage.annotation(Udp.class);
            String prefix = stage.node().name() + ".";
            create.addStatement("graph.udp($N, config.string($S, $S), config.integer($S, $L))", local(stage),
                    prefix + "host", udp.host(), prefix + "port", udp.port());
        }
        return create.addStatement("return graph.build()").build();
    }

    /**
     * Builds this class's emitters and sets its stages' handlers. Graphs that include this class from
     * another module call it too, with stages they declared.
     */
    private MethodSpec bind() {
        MethodSpec.Builder bind = MethodSpec.methodBuilder("bind")
                .addJavadoc("Sets the handlers of $T's stages, whose emitters send to the given stages.\n",
                        graph.serviceClass())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(ClassName.get(RUNTIME, "SedaGraph", "Builder"), "graph")
                .addParameter(graph.serviceClass(), "service");
        for (String name : graph.own().bindStages()) {
            StageSpec stage = graph.stage(name);
            bind.addParameter(ParameterizedTypeName.get(STAGE, stage.eventType()), local(stage));
        }
        for (StageSpec stage : ownStages()) {
            if (!stage.targets().isEmpty()) {
                ClassName emitter = graph.generated("Out").nestedClass(stage.capitalized());
                List<CodeBlock> args = new ArrayList<>();
                for (String t : stage.targets()) {
                    StageSpec target = graph.stage(t);
                    if (target.fileCompletions()) {
                        args.add(CodeBlock.of("new $T<>(graph.files(), $N)", FILE_REQUESTS, local(target)));
                    } else if (target.tcpClient()) {
                        String events = target.annotation(TcpClient.class).events();
                        args.add(CodeBlock.of("graph.connector($N, $L)", local(target),
                                events.isEmpty() ? "null" : local(graph.stage(events))));
                    } else {
                        args.add(CodeBlock.of("$N", local(target)));
                    }
                }
                bind.addStatement("$T $N = new $T($L)", emitter, stage.node().name() + "Out", emitter,
                        CodeBlock.join(args, ", "));
            }
        }
        for (StageSpec stage : ownStages()) {
            bind.addStatement(handler(stage));
        }
        return bind.build();
    }

    private String listenOptions() {
        List<StageSpec> listeners = graph.listeners();
        if (listeners.isEmpty()) {
            return "this graph has no listener";
        }
        if (listeners.size() == 1) {
            return "{@code --host}, {@code --port}";
        }
        return String.join(", ", listeners.stream()
                .map(s -> "{@code --" + s.node().name() + ".host}, {@code --" + s.node().name() + ".port}")
                .toList());
    }

    private TypeSpec eventRecord(StageSpec stage) {
        MethodSpec.Builder components = MethodSpec.constructorBuilder();
        for (VariableElement input : stage.inputs()) {
            components.addParameter(TypeName.get(input.asType()), input.getSimpleName().toString());
        }
        TypeSpec.Builder record = TypeSpec.recordBuilder(stage.capitalized() + "Event")
                .addJavadoc("Input event of stage {@code $L}.\n", stage.node().name())
                .addModifiers(Modifier.PUBLIC)
                .recordConstructor(components.build());
        if (stage.classifiedBy() != null) {
            // The stage's overload controller sheds by request class: the event carries its parameter's.
            ClassName classified = ClassName.get(RUNTIME, "Classified");
            record.addSuperinterface(classified).addMethod(MethodSpec.methodBuilder("requestClass")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(int.class)
                    .addStatement("return $N.requestClass()", stage.classifiedBy())
                    .build());
        }
        if (stage.sourcedBy() != null) {
            // The overload controller sheds every source's events in the same share: it carries its parameter's.
            record.addSuperinterface(ClassName.get(RUNTIME, "Sourced")).addMethod(MethodSpec.methodBuilder("source")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(long.class)
                    .addStatement("return $N.source()", stage.sourcedBy())
                    .build());
        }
        return record.build();
    }

    private static final Set<String> FACTORY_LOCALS = Set.of("graph", "service", "config", "event", "events");

    /** The stage's local variable in {@code create}: its name, unless that clashes with the factory's own. */
    private static String local(StageSpec stage) {
        String name = stage.node().name();
        return FACTORY_LOCALS.contains(name) ? name + "Stage" : name;
    }

    /** The largest shared pool any part asks for, StageGraph.CORES counting as the processors at start-up. */
    private CodeBlock sharedPool() {
        int fixed = 0;
        boolean cores = false;
        for (GraphSpec.Part part : graph.parts()) {
            int n = part.type().getAnnotation(StageGraph.class).sharedThreads();
            cores |= n == StageGraph.CORES;
            fixed = Math.max(fixed, n);
        }
        CodeBlock processors = CodeBlock.of("$T.getRuntime().availableProcessors()", Runtime.class);
        if (cores) {
            return fixed > 0 ? CodeBlock.of(".sharedPool($T.max($L, $L))", Math.class, fixed, processors)
                    : CodeBlock.of(".sharedPool($L)", processors);
        }
        return fixed > 0 ? CodeBlock.of(".sharedPool($L)", fixed) : CodeBlock.of("");
    }

    /**
     * The stage's settings as the annotation gives them; only what differs from the defaults is
     * written, one call a line when there are more than the bounds.
     */
    private static CodeBlock settings(StageSpec spec) {
        StageNode node = spec.node();
        Stage stage = spec.method().getAnnotation(Stage.class);
        List<CodeBlock> calls = new ArrayList<>();
        calls.add(CodeBlock.of(".threads($L, $L)", node.minThreads(), node.maxThreads()));
        calls.add(CodeBlock.of(".queue($L)", node.queueCapacity()));
        if (!node.whenFull().equals("REJECT")) {
            calls.add(CodeBlock.of(".whenFull($T.$L, $T.ofMillis($L))", WHEN_FULL, node.whenFull(), DURATION,
                    node.blockMillis()));
        }
        if (node.minBatch() != 1 || node.maxBatch() != 1) {
            calls.add(CodeBlock.of(".batch($L, $L)", node.minBatch(), node.maxBatch()));
        }
        List<CodeBlock> admission = new ArrayList<>();
        if (stage.maxRate() > 0) {
            admission.add(CodeBlock.of("$T.tokenBucket($L, $L)", ADMISSION, stage.maxRate(),
                    (int) Math.max(1, Math.ceil(stage.maxRate()))));
        }
        if (stage.rejectAbove() > 0) {
            admission.add(CodeBlock.of("$T.queueThreshold($L)", ADMISSION, stage.rejectAbove()));
        }
        if (stage.maxQueueAgeMillis() > 0) {
            admission.add(CodeBlock.of("$T.maxQueueAge($T.ofMillis($L))", ADMISSION, DURATION,
                    stage.maxQueueAgeMillis()));
        }
        if (!admission.isEmpty()) {
            calls.add(CodeBlock.of(".admission($L)", CodeBlock.join(admission, ", ")));
        }
        if (stage.responseTargetMillis().length > 0) {
            List<CodeBlock> targets = new ArrayList<>();
            for (long millis : stage.responseTargetMillis()) {
                targets.add(CodeBlock.of("$T.ofMillis($L)", DURATION, millis));
            }
            calls.add(CodeBlock.of(".overload($T.of($L))", ClassName.get(RUNTIME, "OverloadControl"),
                    CodeBlock.join(targets, ", ")));
        }
        if (stage.growAbove() > 0) {
            calls.add(CodeBlock.of(".threadControl($T.DEFAULT.withQueueThreshold($L))",
                    ClassName.get(RUNTIME, "ThreadPoolControl"), stage.growAbove()));
        }
        if (stage.pool() != Pool.DEFAULT) {
            calls.add(CodeBlock.of(".execution($T.$L)", ClassName.get(RUNTIME, "Execution"),
                    stage.pool() == Pool.SHARED ? "SHARED" : "OWN_THREADS"));
        }
        CodeBlock.Builder code = CodeBlock.builder().add("$T.of($S)", STAGE_SETTINGS, node.name());
        if (calls.size() <= 2) {
            calls.forEach(code::add);
        } else {
            calls.forEach(call -> code.add("\n").add(call)); // a statement's own lines get continuation indent
        }
        return code.build();
    }

    private static CodeBlock handler(StageSpec stage) {
        String name = stage.node().name();
        String method = stage.method().getSimpleName().toString();
        List<String> args = new ArrayList<>();
        String lambdaParam = stage.batch() ? "events" : "event";
        if (stage.hasRecord()) {
            for (VariableElement input : stage.inputs()) {
                args.add("event." + input.getSimpleName() + "()");
            }
        } else {
            args.add(lambdaParam);
        }
        if (!stage.targets().isEmpty()) {
            args.add(name + "Out");
        }
        return CodeBlock.of("graph.$L($N, $L -> service.$L($L))", stage.batch() ? "batchHandler" : "handler", local(stage),
                lambdaParam, method, String.join(", ", args));
    }

    // ---- <Class>Main ------------------------------------------------------------------------------

    private JavaFile main() {
        ClassName service = graph.serviceClass();
        MethodSpec main = MethodSpec.methodBuilder("main")
                .addJavadoc("Starts graph {@code $L}; stops it, draining admitted events, on Ctrl-C or SIGTERM.\n",
                        graph.model().name())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(String[].class, "args")
                .addException(InterruptedException.class)
                .addStatement("$T config", CONFIG)
                .addStatement("$T graph", SEDA_GRAPH)
                .beginControlFlow("try")
                .addStatement("config = $T.fromArgs(args)", CONFIG)
                .addStatement("graph = $T.create(new $T($L), config)", graph.generated("Graph"), service,
                        graph.own().configConstructor() ? "config" : "")
                .nextControlFlow("catch ($T e)", IllegalArgumentException.class)
                .addComment("a bad option or setting: say what, not a stack trace")
                .addStatement("$T.err.println($S + e.getMessage())", System.class, graph.model().name() + ": ")
                .addStatement("$T.exit(2)", System.class)
                .addStatement("return")
                .endControlFlow()
                .addStatement("graph.runUntilShutdown($T.ofSeconds(config.integer($S, 10)))", DURATION, "drain-seconds")
                .build();
        TypeSpec type = TypeSpec.classBuilder(graph.generated("Main"))
                .addJavadoc("Runs graph {@code $L}: {@code java $L [--port N] [--host A] [--drain-seconds S] ...}.\n",
                        graph.model().name(), graph.generated("Main").canonicalName())
                .addAnnotation(GENERATED)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(main)
                .build();
        return file(type);
    }
}
