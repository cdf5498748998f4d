package dev.seda.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.seda.graph.StageGraphModel;
import dev.seda.graph.StageGraphModel.StageNode;
import dev.seda.annotations.TcpClient;
import dev.seda.annotations.Udp;
import java.lang.annotation.Annotation;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * A valid {@code @StageGraph} class bound to its source elements: the shared {@link StageGraphModel}
 * of its own stages (what its descriptor says) plus what code generation needs from javac's view of
 * the methods, for its own stages and for those of the parts it includes from other modules.
 *
 * @param stages every stage of the graph, own and included, in creation (topological) order
 * @param parts this class first, then every included part once
 */
record GraphSpec(TypeElement type, StageGraphModel model, List<StageSpec> stages, List<Part> parts) {

    ClassName serviceClass() {
        return ClassName.get(type);
    }

    /** {@code HaboobOut}, {@code HaboobGraph}, {@code HaboobMain}: siblings of the service class. */
    ClassName generated(String suffix) {
        return generated(type, suffix);
    }

    static ClassName generated(TypeElement type, String suffix) {
        ClassName service = ClassName.get(type);
        return ClassName.get(service.packageName(), String.join("", service.simpleNames()) + suffix);
    }

    Part own() {
        return parts.get(0);
    }

    StageSpec stage(String name) {
        return stages.stream().filter(s -> s.node().name().equals(name)).findFirst().orElseThrow();
    }

    /** Stages fed by @Listen, in every part. */
    List<StageSpec> listeners() {
        return stages.stream().filter(s -> s.listenPort() != null).toList();
    }

    /** Stages fed by @Udp, in every part. */
    List<StageSpec> udps() {
        return stages.stream().filter(s -> s.annotation(Udp.class) != null).toList();
    }

    /** Stages fed by @Every, in every part. */
    List<StageSpec> timers() {
        return stages.stream().filter(s -> s.everyMillis() != null).toList();
    }

    /**
     * One class's share of the graph.
     *
     * @param configConstructor whether it is built with the command line's Config (else no arguments)
     * @param bindStages the stages its generated {@code bind} method takes, in order: its own stages in
     *     its creation order, then the stages of other parts it emits to, by name
     */
    record Part(TypeElement type, boolean configConstructor, List<String> bindStages) {}

    /**
     * One {@code @Stage} method.
     *
     * @param owner the class that declares it
     * @param inputs the parameters that make up the event (the emitter excluded)
     * @param inputNames their names, as the emitter's methods name them (read from the generated record
     *     for a stage of another module, whose class file may not keep parameter names)
     * @param eventType the queue's element type: the single parameter's (boxed) type, the batch element
     *     type, or the generated record {@code <Stage>Event}
     * @param batch whether the method takes a {@code List} of events
     * @param targets the {@code @Emits} targets, in declaration order; the emitter parameter exists iff non-empty
     * @param listenPort the {@code @Listen} default port, or null
     * @param listenHost the {@code @Listen} default host, or null
     * @param everyMillis the {@code @Every} period, or null
     * @param fileCompletions whether it takes {@code FileCompletion<A>}: emitters to it make file requests
     * @param classifiedBy the parameter whose {@code Classified.requestClass()} is the event's request
     *     class, or null
     * @param sourcedBy the parameter whose {@code Sourced.source()} is the event's source, or null
     */
    record StageSpec(
            TypeElement owner,
            ExecutableElement method,
            StageNode node,
            List<VariableElement> inputs,
            List<String> inputNames,
            TypeName eventType,
            boolean batch,
            List<String> targets,
            Integer listenPort,
            String listenHost,
            Long everyMillis,
            boolean fileCompletions,
            String classifiedBy,
            String sourcedBy) {

        /** One of the stage method's annotations, or null. */
        <A extends Annotation> A annotation(Class<A> type) {
            return method.getAnnotation(type);
        }

        /** Whether it receives the replies of outgoing connections: emitters to it connect. */
        boolean tcpClient() {
            return annotation(TcpClient.class) != null;
        }

        /** The generated record when the stage has several input parameters. */
        boolean hasRecord() {
            return inputs.size() > 1;
        }

        String capitalized() {
            return Character.toUpperCase(node.name().charAt(0)) + node.name().substring(1);
        }
    }
}
