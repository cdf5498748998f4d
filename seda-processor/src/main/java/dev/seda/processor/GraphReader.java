package dev.seda.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;
import dev.seda.annotations.Emits;
import dev.seda.annotations.Every;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Pool;
import dev.seda.annotations.QueueFull;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.annotations.TcpClient;
import dev.seda.annotations.Udp;
import dev.seda.graph.StageGraphModel;
import dev.seda.graph.StageGraphModel.Edge;
import dev.seda.graph.StageGraphModel.StageNode;
import dev.seda.graph.StageKind;
import dev.seda.processor.GraphSpec.StageSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Reads one {@code @StageGraph} class into a {@link GraphSpec}, reporting every mistake on the element
 * that makes it. Returns {@link Result#later()} when a type the stages use is not generated yet.
 */
final class GraphReader {
    static final String TCP_PACKET = "dev.seda.runtime.TcpPacket";
    static final String CONFIG = "dev.seda.runtime.Config";
    static final String TICK = "dev.seda.runtime.Tick";
    static final String UDP_PACKET = "dev.seda.runtime.UdpPacket";
    static final String TCP_EVENT = "dev.seda.runtime.TcpEvent";
    static final String FILE_COMPLETION = "dev.seda.runtime.FileCompletion";
    static final String CLASSIFIED = "dev.seda.runtime.Classified";
    static final String SOURCED = "dev.seda.runtime.Sourced";
    private static final Pattern GRAPH_NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private final ProcessingEnvironment env;
    private final Diagnostics diagnostics;
    private final SourceLocator locator;

    GraphReader(ProcessingEnvironment env, Diagnostics diagnostics) {
        this.env = env;
        this.diagnostics = diagnostics;
        this.locator = new SourceLocator(env);
    }

    /** The outcome of reading one class: a spec, or deferred to a later round, or invalid (errors reported). */
    record Result(GraphSpec spec, boolean deferred) {
        static Result invalid() {
            return new Result(null, false);
        }

        static Result later() {
            return new Result(null, true);
        }
    }

    Result read(TypeElement type) {
        int errorsBefore = diagnostics.errorCount();
        PartDraft own = readPart(type, diagnostics);
        if (own == null) {
            return Result.invalid();
        }
        List<PartDraft> included = new ArrayList<>();
        readIncludes(own, included, new LinkedHashSet<>(List.of(type.getQualifiedName().toString())));

        Map<String, StageDraft> all = new LinkedHashMap<>(own.drafts);
        for (PartDraft part : included) {
            for (StageDraft d : part.drafts.values()) {
                StageDraft clash = all.putIfAbsent(d.name, d);
                if (clash != null) {
                    diagnostics.error(clash.owner == type ? clash.method : type, "SedaDuplicateStage", "stage name '"
                                    + d.name + "' is used by " + describe(clash) + " and by " + describe(d) + " in graph '"
                                    + own.graphName + "'.",
                            "give one of the stages another name with @Stage(name = \"...\").");
                }
            }
        }
        for (StageDraft draft : own.drafts.values()) {
            Set<String> seen = new HashSet<>();
            for (String target : draft.targets) {
                if (!seen.add(target)) {
                    diagnostics.error(draft.method, "SedaEmitsDuplicate", "@Emits names stage '" + target + "' twice.",
                            "name each target once.");
                } else if (!all.containsKey(target)) {
                    diagnostics.error(draft.method, "SedaEmitsUnknownStage", "stage '" + draft.name
                                    + "' emits to '" + target + "', which is not a stage of graph '" + own.graphName
                                    + "' (its stages: " + String.join(", ", all.keySet()) + ").",
                            "fix the name in @Emits, add a @Stage method named '" + target
                                    + "', or include the class that has it with @StageGraph(includes = ...).");
                }
            }
        }
        for (StageDraft draft : own.drafts.values()) {
            if (draft.events.isEmpty()) {
                continue;
            }
            StageDraft target = all.get(draft.events);
            if (target == null || target.inputs.size() != 1
                    || !target.inputs.get(0).asType().toString().equals(TCP_EVENT)) {
                diagnostics.error(draft.method, "SedaEventsStage", "stage '" + draft.name + "' sends its connection"
                                + " events to '" + draft.events + "', which " + (target == null
                                ? "is not a stage of graph '" + own.graphName + "'" : "does not take one TcpEvent") + ".",
                        "name a stage declared as void " + draft.events + "(TcpEvent event).");
            }
        }
        if (diagnostics.errorCount() > errorsBefore) {
            return Result.invalid();
        }
        if (own.deferred) {
            return Result.later();
        }
        return new Result(toSpec(own, included, all), false);
    }

    /** One class's stages, read but not yet joined with the parts it includes. */
    private static final class PartDraft {
        TypeElement type;
        String graphName;
        boolean configConstructor;
        boolean deferred;
        Map<String, StageDraft> drafts = new LinkedHashMap<>();
    }

    private PartDraft readPart(TypeElement type, Diagnostics report) {
        GraphReader reader = report == diagnostics ? this : new GraphReader(env, report);
        int errorsBefore = report.errorCount();
        PartDraft part = new PartDraft();
        part.type = type;
        part.graphName = type.getAnnotation(StageGraph.class).value();
        if (!GRAPH_NAME.matcher(part.graphName).matches()) {
            report.error(type, "SedaGraphName", "graph name '" + part.graphName + "' is not valid.",
                    "use lower-case letters, digits and dashes, starting with a letter, e.g. @StageGraph(\"haboob\").");
        }
        reader.checkClassShape(type);
        int shared = type.getAnnotation(StageGraph.class).sharedThreads();
        if (shared < 0 && shared != StageGraph.CORES) {
            report.error(type, "SedaSharedThreads", "graph '" + part.graphName + "' has sharedThreads = " + shared + ".",
                    "use 0 for no shared pool, the number of its threads, or StageGraph.CORES for one per processor.");
        }
        part.configConstructor = reader.checkConstructor(type);

        ClassName service = ClassName.get(type);
        String outName = String.join("", service.simpleNames()) + "Out";
        ClassName graphClass = GraphSpec.generated(type, "Graph");
        List<ExecutableElement> methods = ElementFilter.methodsIn(type.getEnclosedElements()).stream()
                .filter(m -> m.getAnnotation(Stage.class) != null)
                .toList();
        if (methods.isEmpty()) {
            report.error(type, "SedaEmptyGraph", "graph '" + part.graphName + "' has no @Stage methods.",
                    "annotate the handler methods of " + type.getSimpleName() + " with @Stage.");
        }
        for (ExecutableElement method : methods) {
            StageDraft draft = reader.readStage(method, outName, graphClass);
            if (draft == null) {
                continue;
            }
            draft.owner = type;
            part.deferred |= draft.unresolved;
            if (part.drafts.containsKey(draft.name)) {
                report.error(method, "SedaDuplicateStage", "stage name '" + draft.name + "' is already used by "
                                + part.drafts.get(draft.name).method.getSimpleName() + "() in graph '"
                                + part.graphName + "'.",
                        "give this stage another name with @Stage(name = \"...\").");
            } else {
                part.drafts.put(draft.name, draft);
            }
        }
        return report.errorCount() > errorsBefore ? null : part;
    }

    /** Reads the parts {@code part} includes, and theirs, each once. */
    private void readIncludes(PartDraft part, List<PartDraft> into, Set<String> seen) {
        for (TypeElement include : includedTypes(part.type)) {
            String name = include.getQualifiedName().toString();
            if (!seen.add(name)) {
                continue;
            }
            StageGraph graph = include.getAnnotation(StageGraph.class);
            if (graph == null || !graph.value().equals(part.graphName)) {
                diagnostics.error(part.type, "SedaIncludeOtherGraph", part.type.getSimpleName() + " includes " + name
                                + ", which is " + (graph == null ? "not a @StageGraph class" : "part of graph '"
                                + graph.value() + "'") + ", not of graph '" + part.graphName + "'.",
                        "include only classes annotated @StageGraph(\"" + part.graphName + "\").");
                continue;
            }
            if (locator.isSource(include)) {
                diagnostics.error(part.type, "SedaIncludeSameModule", part.type.getSimpleName() + " includes " + name
                                + ", which is compiled in the same module.",
                        "keep a graph's stages of one module in one class; includes join parts from other modules.");
                continue;
            }
            PartDraft included = readPart(include, Diagnostics.quiet());
            if (included == null || included.deferred) {
                diagnostics.error(part.type, "SedaIncludeInvalid", part.type.getSimpleName() + " includes " + name
                                + ", whose stages this seda cannot read.",
                        "rebuild the module of " + name + " with the same seda version.");
                continue;
            }
            into.add(included);
            readIncludes(included, into, seen);
        }
    }

    /** The classes named in {@code @StageGraph(includes = ...)}, read as mirrors (they are not loaded). */
    private static List<TypeElement> includedTypes(TypeElement type) {
        List<TypeElement> types = new ArrayList<>();
        for (AnnotationMirror mirror : type.getAnnotationMirrors()) {
            if (!((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName()
                    .contentEquals(StageGraph.class.getName())) {
                continue;
            }
            mirror.getElementValues().forEach((key, value) -> {
                if (key.getSimpleName().contentEquals("includes") && value.getValue() instanceof List<?> list) {
                    for (Object item : list) {
                        if (((AnnotationValue) item).getValue() instanceof DeclaredType declared) {
                            types.add((TypeElement) declared.asElement());
                        }
                    }
                }
            });
        }
        return types;
    }

    private static String describe(StageDraft d) {
        return d.owner.getQualifiedName() + "#" + d.method.getSimpleName();
    }

    private void checkClassShape(TypeElement type) {
        NestingKind nesting = type.getNestingKind();
        boolean reachable = nesting == NestingKind.TOP_LEVEL
                || nesting == NestingKind.MEMBER && type.getModifiers().contains(Modifier.STATIC);
        if (type.getKind() != ElementKind.CLASS || type.getModifiers().contains(Modifier.ABSTRACT)
                || type.getModifiers().contains(Modifier.PRIVATE) || !reachable
                || !type.getTypeParameters().isEmpty()) {
            diagnostics.error(type, "SedaGraphClassShape", type.getSimpleName()
                            + " cannot hold a stage graph: it must be a concrete, non-generic, non-private class"
                            + " (top-level or static nested).",
                    "make " + type.getSimpleName() + " a plain class; the generated code instantiates it.");
        }
    }

    /** Returns whether the class takes a Config; reports when it has no constructor the generated main can call. */
    private boolean checkConstructor(TypeElement type) {
        boolean noArg = false;
        boolean config = false;
        for (ExecutableElement c : ElementFilter.constructorsIn(type.getEnclosedElements())) {
            if (c.getModifiers().contains(Modifier.PRIVATE)) {
                continue;
            }
            List<? extends VariableElement> params = c.getParameters();
            if (params.isEmpty()) {
                noArg = true;
            } else if (params.size() == 1 && params.get(0).asType().toString().equals(CONFIG)) {
                config = true;
            }
        }
        if (!noArg && !config) {
            diagnostics.error(type, "SedaGraphConstructor", type.getSimpleName()
                            + " has no constructor the generated main can call.",
                    "add a non-private constructor taking dev.seda.runtime.Config (the command line) or no arguments.");
        }
        return config;
    }

    /** What one method says, before the whole graph is known. */
    private static final class StageDraft {
        TypeElement owner;
        ExecutableElement method;
        String name;
        List<VariableElement> inputs;
        TypeName eventType;
        boolean batch;
        List<String> targets;
        Bounds threads;
        Bounds batchBounds;
        Integer listenPort;
        String listenHost;
        Long everyMillis;
        Integer udpPort;
        boolean tcpClient;
        String events = "";
        boolean fileCompletions;
        String classifiedBy;  // the parameter that gives an event's request class, or null
        String sourcedBy;  // the parameter that gives an event's source, or null
        boolean unresolved;
    }

    /** The first parameter whose type implements the interface (Classified, Sourced), or null. */
    private String firstInputImplementing(List<VariableElement> params, String interfaceName) {
        TypeElement type = env.getElementUtils().getTypeElement(interfaceName);
        if (type == null) {
            return null; // the runtime is not on the class path: nothing can implement it
        }
        for (VariableElement p : params) {
            if (env.getTypeUtils().isAssignable(p.asType(), type.asType())) {
                return p.getSimpleName().toString();
            }
        }
        return null;
    }

    private StageDraft readStage(ExecutableElement method, String outName, ClassName graphClass) {
        int errorsBefore = diagnostics.errorCount();
        Stage stage = method.getAnnotation(Stage.class);
        String name = stage.name().isEmpty() ? method.getSimpleName().toString() : stage.name();
        String quoted = "stage '" + name + "'";
        if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
            diagnostics.error(method, "SedaStageName", "'" + name + "' is not a valid stage name.",
                    "use a Java identifier such as \"lookup\": it names the emitter's methods.");
            return null;
        }
        Set<Modifier> modifiers = method.getModifiers();
        if (modifiers.contains(Modifier.PRIVATE)) {
            diagnostics.error(method, "SedaPrivateStage", quoted + " is private, so the generated graph cannot call it.",
                    "make " + method.getSimpleName() + "() package-private or public.");
        }
        if (modifiers.contains(Modifier.STATIC)) {
            diagnostics.error(method, "SedaStaticStage", quoted + " is static.",
                    "make it an instance method: stages run on the instance the generated main creates.");
        }
        if (!method.getTypeParameters().isEmpty()) {
            diagnostics.error(method, "SedaGenericStage", quoted + " declares type parameters.",
                    "use concrete types: each stage's queue holds one event type.");
        }
        if (method.getReturnType().getKind() != TypeKind.VOID) {
            diagnostics.error(method, "SedaStageReturnType", quoted + " returns " + method.getReturnType()
                            + "; a stage's result goes nowhere.",
                    "return void and send results on with @Emits and the emitter parameter.");
        }
        if (method.isVarArgs()) {
            diagnostics.error(method, "SedaUnsupportedParameter", quoted + " takes varargs.",
                    "take a List or an array parameter instead.");
        }

        List<String> targets = List.of();
        Emits emits = method.getAnnotation(Emits.class);
        if (emits != null) {
            targets = List.of(emits.value());
        }
        String expectedEmitter = outName + "." + capitalize(name);
        List<VariableElement> params = new ArrayList<>(method.getParameters());
        String emitter = params.isEmpty() ? null : emitterName(params.get(params.size() - 1).asType(), outName);
        if (emitter != null) {
            VariableElement last = params.remove(params.size() - 1);
            if (targets.isEmpty()) {
                diagnostics.error(last, "SedaEmitterWithoutEmits", quoted + " takes an emitter but has no @Emits.",
                        "add @Emits({\"target\", ...}) naming the stages it sends to, or remove the parameter.");
            } else if (!emitter.equals(capitalize(name))) {
                diagnostics.error(last, "SedaWrongEmitter", quoted + " takes emitter " + outName + "." + emitter
                                + ", which belongs to another stage.",
                        "declare the last parameter as " + expectedEmitter + ".");
            }
        } else if (!targets.isEmpty()) {
            diagnostics.error(method, "SedaMissingEmitter", quoted + " has @Emits but no emitter parameter.",
                    "add a last parameter '" + expectedEmitter + " out'; seda generates that type.");
        }

        if (stage.sink() && !targets.isEmpty()) {
            diagnostics.error(method, "SedaSinkEmits", quoted + " is declared a sink but emits to " + targets + ".",
                    "remove sink = true, or remove @Emits.");
        }

        StageDraft draft = new StageDraft();
        draft.method = method;
        draft.name = name;
        draft.inputs = List.copyOf(params);
        draft.targets = targets;
        if (params.isEmpty()) {
            diagnostics.error(method, "SedaStageNoInput", quoted + " takes no event.",
                    "declare the event as the method's parameters, e.g. void " + name + "(Request request).");
        }
        for (VariableElement p : params) {
            if (p.asType().getKind() == TypeKind.ERROR) {
                draft.unresolved = true; // maybe generated by another processor in this round: look again later
            } else if (containsWildcardAtTop(p.asType())) {
                diagnostics.error(p, "SedaUnsupportedParameter", quoted + " takes " + p.asType()
                                + "; a wildcard type cannot be an event.",
                        "use a concrete type argument, e.g. List<Request>.");
            }
        }
        if (params.size() == 1 && !draft.unresolved) {
            TypeMirror only = params.get(0).asType();
            TypeMirror element = listElement(only);
            draft.batch = element != null;
            draft.eventType = TypeName.get(draft.batch ? element : only).box();
        } else if (params.size() > 1) {
            draft.eventType = graphClass.nestedClass(capitalize(name) + "Event");
        }

        draft.threads = Bounds.parse(stage.threads());
        if (draft.threads == null) {
            diagnostics.error(method, "SedaThreads", quoted + " has threads = \"" + stage.threads() + "\".",
                    "write \"n\" or \"min..max\" with 1 <= min <= max, e.g. threads = \"1..4\".");
        }
        if (stage.queue() < 1) {
            diagnostics.error(method, "SedaQueueCapacity", quoted + " has queue = " + stage.queue() + ".",
                    "give the queue a capacity of at least 1, e.g. queue = 1024.");
        }
        if (stage.blockMillis() < 0) {
            diagnostics.error(method, "SedaBlockMillis", quoted + " has blockMillis = " + stage.blockMillis() + ".",
                    "use 0 or more milliseconds.");
        }
        draft.batchBounds = Bounds.parse(stage.batch());
        if (draft.batchBounds == null) {
            diagnostics.error(method, "SedaBatch", quoted + " has batch = \"" + stage.batch() + "\".",
                    "write \"n\" or \"min..max\" with 1 <= min <= max, e.g. batch = \"1..64\".");
        } else if (draft.batchBounds.max() > 1 && !draft.batch && !draft.unresolved) {
            diagnostics.error(method, "SedaBatchNeedsList", quoted + " asks for batches of up to "
                            + draft.batchBounds.max() + " but takes single events.",
                    "take the events as one List<E> parameter, or remove batch.");
        }

        for (long target : stage.responseTargetMillis()) {
            if (target < 1) {
                diagnostics.error(method, "SedaResponseTarget", quoted + " has a response-time target of " + target
                        + " ms.", "give each request class a target of at least 1 ms, e.g. responseTargetMillis = 200.");
            }
        }
        if (stage.responseTargetMillis().length > 0 && !draft.unresolved && !draft.batch) {
            // The overload controller sheds each source's events in the same share when it can tell them apart.
            draft.sourcedBy = firstInputImplementing(params, SOURCED);
        }
        if (stage.responseTargetMillis().length > 1 && !draft.unresolved && !draft.batch) {
            draft.classifiedBy = firstInputImplementing(params, CLASSIFIED);
            if (draft.classifiedBy == null) {
                diagnostics.error(method, "SedaUnclassified", quoted + " has " + stage.responseTargetMillis().length
                                + " request classes (responseTargetMillis) but its event does not say which class"
                                + " it is in, so every event would be class 0.",
                        "let the type of one of its parameters implement dev.seda.runtime.Classified.");
            }
        }
        if (!(stage.maxRate() >= 0) || Double.isInfinite(stage.maxRate())) {
            diagnostics.error(method, "SedaMaxRate", quoted + " has maxRate = " + stage.maxRate() + ".",
                    "use events per second above 0, or 0 for no limit.");
        }
        if (stage.rejectAbove() < 0 || stage.rejectAbove() >= stage.queue() && stage.queue() >= 1) {
            diagnostics.error(method, "SedaRejectAbove", quoted + " has rejectAbove = " + stage.rejectAbove()
                            + " with a queue of " + stage.queue() + ".",
                    "use a length below the queue's capacity, or 0 for none.");
        }
        if (stage.growAbove() > 0 && stage.pool() == Pool.SHARED) {
            diagnostics.error(method, "SedaGrowAboveShared", quoted + " runs on the shared pool and has growAbove = "
                            + stage.growAbove() + ", which tunes the thread-pool controller of a stage with its"
                            + " own threads.",
                    "remove growAbove (on the shared pool, threads caps how many of the stage's events run at once), "
                            + "or use pool = Pool.OWN.");
        }
        if (stage.maxQueueAgeMillis() < 0 || stage.growAbove() < 0) {
            diagnostics.error(method, "SedaNegativeSetting", quoted + " has a negative maxQueueAgeMillis or growAbove.",
                    "use 0 for the default, or a positive value.");
        }

        if (params.size() == 1 && !draft.unresolved && !draft.batch) {
            TypeMirror only = params.get(0).asType();
            draft.fileCompletions = only.getKind() == TypeKind.DECLARED && ((TypeElement) ((DeclaredType) only)
                    .asElement()).getQualifiedName().contentEquals(FILE_COMPLETION);
        }
        Every every = method.getAnnotation(Every.class);
        if (every != null) {
            boolean tick = params.size() == 1 && params.get(0).asType().toString().equals(TICK);
            if (!tick && !draft.unresolved) {
                diagnostics.error(method, "SedaEveryInput", quoted + " is fed by @Every, so it must take one "
                                + "dev.seda.runtime.Tick (plus its emitter).",
                        "declare it as void " + name + "(Tick tick" + (targets.isEmpty() ? "" : ", " + expectedEmitter
                                + " out") + ").");
            }
            if (every.millis() < 1 || every.millis() > Integer.MAX_VALUE) {
                diagnostics.error(method, "SedaEveryPeriod", quoted + " has a period of " + every.millis() + " ms.",
                        "use a period of at least 1 ms, e.g. @Every(millis = 1000).");
            }
            draft.everyMillis = every.millis();
        }
        long sources = Stream.of(Listen.class, Every.class, Udp.class, TcpClient.class)
                .filter(a -> method.getAnnotation(a) != null).count();
        if (sources > 1) {
            diagnostics.error(method, "SedaTwoSources", quoted + " is fed by more than one of @Listen, @Every, @Udp"
                    + " and @TcpClient.", "feed a stage from one source; let the others emit to it.");
        }
        Udp udp = method.getAnnotation(Udp.class);
        if (udp != null) {
            boolean datagram = params.size() == 1 && params.get(0).asType().toString().equals(UDP_PACKET);
            if (!datagram && !draft.unresolved) {
                diagnostics.error(method, "SedaUdpInput", quoted + " is fed by @Udp, so it must take one "
                        + "dev.seda.runtime.UdpPacket (plus its emitter).", "declare it as void " + name
                        + "(UdpPacket packet" + (targets.isEmpty() ? "" : ", " + expectedEmitter + " out") + ").");
            }
            if (udp.port() < 0 || udp.port() > 65535) {
                diagnostics.error(method, "SedaUdpPort", quoted + " binds UDP port " + udp.port() + ".",
                        "use a port from 0 (any free port) to 65535.");
            }
            draft.udpPort = udp.port();
        }
        TcpClient client = method.getAnnotation(TcpClient.class);
        if (client != null) {
            boolean packet = params.size() == 1 && params.get(0).asType().toString().equals(TCP_PACKET);
            if (!packet && !draft.unresolved) {
                diagnostics.error(method, "SedaClientInput", quoted + " receives @TcpClient replies, so it must take"
                        + " one dev.seda.runtime.TcpPacket (plus its emitter).", "declare it as void " + name
                        + "(TcpPacket reply" + (targets.isEmpty() ? "" : ", " + expectedEmitter + " out") + ").");
            }
            if (draft.threads != null && draft.threads.max() > 1 || stage.whenFull() != QueueFull.REJECT) {
                diagnostics.error(method, "SedaClientShape", quoted + " receives @TcpClient replies, so it must run"
                                + " one thread and REJECT when full, like a @Listen stage.",
                        "use threads = \"1\" and whenFull = QueueFull.REJECT; emit whole messages onwards.");
            }
            draft.tcpClient = true;
            draft.events = client.events();
        }

        Listen listen = method.getAnnotation(Listen.class);
        if (listen != null) {
            boolean packet = params.size() == 1 && params.get(0).asType().toString().equals(TCP_PACKET);
            if (!packet && !draft.unresolved) {
                diagnostics.error(method, "SedaListenInput", quoted + " is fed by @Listen, so it must take one "
                                + "dev.seda.runtime.TcpPacket (plus its emitter).",
                        "declare it as void " + name + "(TcpPacket packet"
                                + (targets.isEmpty() ? "" : ", " + expectedEmitter + " out") + ").");
            }
            if (draft.threads != null && draft.threads.max() > 1) {
                diagnostics.error(method, "SedaListenThreads", quoted + " is fed by @Listen with up to "
                                + draft.threads.max() + " threads, which would handle one connection's packets"
                                + " concurrently and out of order.",
                        "use threads = \"1\" and emit whole messages to a stage with more threads.");
            }
            if (stage.whenFull() != QueueFull.REJECT) {
                diagnostics.error(method, "SedaListenWhenFull", quoted + " is fed by @Listen with whenFull = "
                                + stage.whenFull() + ": blocking would stall every connection's reads, and dropping"
                                + " would cut bytes out of a stream.",
                        "use whenFull = QueueFull.REJECT: the runtime closes a connection its stage cannot admit.");
            }
            if (listen.port() < 0 || listen.port() > 65535) {
                diagnostics.error(method, "SedaListenPort", quoted + " listens on port " + listen.port() + ".",
                        "use a port from 0 (any free port) to 65535.");
            }
            draft.listenPort = listen.port();
            draft.listenHost = listen.host();
            draft.events = listen.events();
            if (listen.readLimit() < 0) {
                diagnostics.error(method, "SedaNegativeSetting", quoted + " has readLimit = " + listen.readLimit()
                        + ".", "use bytes per second above 0, or 0 for no limit.");
            }
            if (listen.receiveBufferBytes() < 0) {
                diagnostics.error(method, "SedaNegativeSetting", quoted + " has receiveBufferBytes = "
                        + listen.receiveBufferBytes() + ".", "use a size in bytes, or 0 for the system's default.");
            }
            checkPauseThreshold(method, quoted, "SedaPauseAccepting", "pauseAcceptingAbove",
                    listen.pauseAcceptingAbove(), stage.queue(), "accepting", "always accept");
            checkPauseThreshold(method, quoted, "SedaPauseReading", "pauseReadingAbove",
                    listen.pauseReadingAbove(), stage.queue(), "reading", "never pause reading");
        }
        return diagnostics.errorCount() > errorsBefore ? null : draft;
    }

    /** A listener's pause threshold is a queue length the queue can pass without being full, or 0 for off. */
    private void checkPauseThreshold(ExecutableElement method, String quoted, String id, String attribute, int value,
                                     int queue, String what, String off) {
        if (value < 0 || value >= queue) {
            diagnostics.error(method, id, quoted + " has " + attribute + " = " + value + " with a queue of " + queue
                            + ": " + what + " would never pause before the queue is full.",
                    "use a queue length from 1 to " + (queue - 1) + ", or 0 to " + off + ".");
        }
    }

    private GraphSpec toSpec(PartDraft own, List<PartDraft> included, Map<String, StageDraft> all) {
        List<StageNode> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        List<StageSpec> stages = new ArrayList<>();
        for (StageDraft d : creationOrder(all)) {
            StageNode node = node(d);
            stages.add(new StageSpec(d.owner, d.method, node, d.inputs, inputNames(d, d.owner == own.type),
                    d.eventType, d.batch, d.targets, d.listenPort, d.listenHost, d.everyMillis, d.fileCompletions,
                    d.classifiedBy, d.sourcedBy));
            if (d.owner != own.type) {
                continue; // the descriptor describes this module's part; the plugin merges the others
            }
            // The runtime's I/O stages have no queue of their own: they hand events to the stage.
            if (d.listenPort != null) {
                String source = "listen:" + d.name;
                nodes.add(new StageNode(source, StageKind.TCP_LISTEN, TCP_PACKET, null, null, 1, 1, 0, "REJECT", 0,
                        1, 1, false, d.listenPort, null));
                edges.add(new Edge(source, d.name, TCP_PACKET));
            }
            if (d.udpPort != null) {
                String source = "udp:" + d.name;
                nodes.add(new StageNode(source, StageKind.UDP, UDP_PACKET, null, null, 1, 1, 0, "REJECT", 0, 1, 1,
                        false, d.udpPort, null));
                edges.add(new Edge(source, d.name, UDP_PACKET));
            }
            if (d.tcpClient) {
                String client = clientNode(d.name);
                nodes.add(new StageNode(client, StageKind.TCP_CLIENT, TCP_PACKET, null, null, 1, 1, 0, "REJECT", 0, 1,
                        1, false, null, null));
                edges.add(new Edge(client, d.name, TCP_PACKET));
            }
            if (!d.events.isEmpty()) {
                edges.add(new Edge(d.tcpClient ? clientNode(d.name) : "listen:" + d.name, d.events, TCP_EVENT));
            }
            if (d.everyMillis != null) {
                String source = "every:" + d.name;
                nodes.add(new StageNode(source, StageKind.TIMER, TICK, null, null, 1, 1, 0, "REJECT", 0, 1, 1, false,
                        null, d.everyMillis));
                edges.add(new Edge(source, d.name, TICK));
            }
            if (d.fileCompletions) {
                String files = filesNode(d.name);
                nodes.add(new StageNode(files, StageKind.ASYNC_FILES, d.eventType.toString(), null, null, 1, 1, 0,
                        "REJECT", 0, 1, 1, false, null, null));
                edges.add(new Edge(files, d.name, d.eventType.toString()));
            }
            nodes.add(node);
            for (String target : d.targets) {
                StageDraft t = all.get(target);
                // A request to a file-completion stage goes through the file stage, as it does at run time.
                String via = t.fileCompletions ? filesNode(target) : t.tcpClient ? clientNode(target) : target;
                edges.add(new Edge(d.name, via, t.eventType.toString()));
            }
        }
        List<GraphSpec.Part> parts = new ArrayList<>();
        parts.add(part(own));
        included.forEach(p -> parts.add(part(p)));
        StageGraphModel model = new StageGraphModel(StageGraphModel.FORMAT_VERSION, own.graphName,
                own.type.getQualifiedName().toString(), nodes, edges);
        return new GraphSpec(own.type, model, stages, parts);
    }

    private List<String> inputNames(StageDraft d, boolean fromSource) {
        if (!fromSource && d.inputs.size() > 1) {
            TypeElement record = env.getElementUtils().getTypeElement(d.eventType.toString());
            if (record != null && !record.getRecordComponents().isEmpty()) {
                return record.getRecordComponents().stream().map(c -> c.getSimpleName().toString()).toList();
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < d.inputs.size(); i++) {
            String name = d.inputs.get(i).getSimpleName().toString();
            names.add(!fromSource && name.matches("arg\\d+") ? "event" + (d.inputs.size() > 1 ? i : "") : name);
        }
        return names;
    }

    static String clientNode(String stage) {
        return "tcp-client:" + stage;
    }

    static String filesNode(String stage) {
        return "files:" + stage;
    }

    private StageNode node(StageDraft d) {
        Stage stage = d.method.getAnnotation(Stage.class);
        return new StageNode(d.name, StageKind.APPLICATION, d.eventType.toString(),
                d.owner.getQualifiedName() + "#" + d.method.getSimpleName(), locator.locate(d.method),
                d.threads.min(), d.threads.max(), stage.queue(), stage.whenFull().name(), stage.blockMillis(),
                d.batchBounds.min(), d.batchBounds.max(), stage.sink(), null, null);
    }

    /** A part and the stages its {@code bind} takes: the same list whichever module computes it. */
    private static GraphSpec.Part part(PartDraft p) {
        List<String> bind = new ArrayList<>();
        creationOrder(p.drafts).forEach(d -> bind.add(d.name));
        p.drafts.values().stream()
                .flatMap(d -> d.targets.stream())
                .filter(t -> !p.drafts.containsKey(t))
                .distinct()
                .sorted()
                .forEach(bind::add);
        return new GraphSpec.Part(p.type, p.configConstructor, List.copyOf(bind));
    }

    /**
     * A topological order: a stage comes after every stage that emits to it, listeners first, ties in
     * declaration order; in a cycle the earliest declared stage goes first. The runtime drains stages
     * in this order, so nothing is emitted into a stage that has already been drained, and the
     * diagram lays the graph out left to right in it.
     */
    private static List<StageDraft> creationOrder(Map<String, StageDraft> drafts) {
        List<StageDraft> candidates = new ArrayList<>();
        drafts.values().stream().filter(GraphReader::isSource).forEach(candidates::add);
        drafts.values().stream().filter(d -> !isSource(d)).forEach(candidates::add);
        Map<String, Integer> inDegree = new HashMap<>();
        for (StageDraft d : drafts.values()) {
            for (String target : new LinkedHashSet<>(d.targets)) {
                if (!target.equals(d.name)) {
                    inDegree.merge(target, 1, Integer::sum);
                }
            }
        }
        List<StageDraft> ordered = new ArrayList<>();
        while (!candidates.isEmpty()) {
            StageDraft next = candidates.stream()
                    .filter(d -> inDegree.getOrDefault(d.name, 0) == 0)
                    .findFirst()
                    .orElse(candidates.get(0)); // a cycle: break it at the earliest stage
            candidates.remove(next);
            ordered.add(next);
            for (String target : new LinkedHashSet<>(next.targets)) {
                inDegree.merge(target, -1, Integer::sum);
            }
        }
        return ordered;
    }

    private static boolean isSource(StageDraft d) {
        return d.listenPort != null || d.everyMillis != null || d.udpPort != null;
    }

    /**
     * The emitter's simple name when {@code type} is one of this graph's emitters ({@code HaboobOut.Lookup}).
     * In the first round the emitter class does not exist yet and javac shows an error type; it is
     * recognised by the name the user wrote.
     */
    private String emitterName(TypeMirror type, String outName) {
        String text;
        if (type.getKind() == TypeKind.ERROR) {
            text = type.toString();
        } else if (type.getKind() == TypeKind.DECLARED) {
            Element element = ((DeclaredType) type).asElement();
            Element enclosing = element.getEnclosingElement();
            if (!(enclosing instanceof TypeElement outer) || !outer.getSimpleName().contentEquals(outName)) {
                return null;
            }
            text = outName + "." + element.getSimpleName();
        } else {
            return null;
        }
        int at = text.lastIndexOf(outName + ".");
        if (at < 0 || at > 0 && text.charAt(at - 1) != '.') {
            return null;
        }
        String rest = text.substring(at + outName.length() + 1);
        return SourceVersion.isIdentifier(rest) ? rest : null;
    }

    /** E when the type is java.util.List<E>, else null. */
    private TypeMirror listElement(TypeMirror type) {
        if (type.getKind() != TypeKind.DECLARED) {
            return null;
        }
        DeclaredType declared = (DeclaredType) type;
        TypeElement element = (TypeElement) declared.asElement();
        if (!element.getQualifiedName().contentEquals("java.util.List") || declared.getTypeArguments().size() != 1) {
            return null;
        }
        TypeMirror arg = declared.getTypeArguments().get(0);
        return arg.getKind() == TypeKind.WILDCARD ? null : arg;
    }

    private static boolean containsWildcardAtTop(TypeMirror type) {
        TypeName name = TypeName.get(type);
        return name instanceof ParameterizedTypeName p
                && p.typeArguments().stream().anyMatch(a -> a instanceof WildcardTypeName);
    }

    static String capitalize(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
