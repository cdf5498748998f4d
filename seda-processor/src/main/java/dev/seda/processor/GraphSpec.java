package dev.seda.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.seda.graph.StageGraphModel;
import dev.seda.graph.StageGraphModel.StageNode;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * A valid {@code @StageGraph} class bound to its source elements: the shared {@link StageGraphModel}
 * (names, settings, edges) plus what code generation needs from javac's view of the methods.
 */
record GraphSpec(TypeElement type, StageGraphModel model, List<StageSpec> stages, boolean configConstructor) {

    ClassName serviceClass() {
        return ClassName.get(type);
    }

    /** {@code HaboobOut}, {@code HaboobGraph}, {@code HaboobMain}: siblings of the service class. */
    ClassName generated(String suffix) {
        return ClassName.get(serviceClass().packageName(), String.join("", serviceClass().simpleNames()) + suffix);
    }

    StageSpec stage(String name) {
        return stages.stream().filter(s -> s.node().name().equals(name)).findFirst().orElseThrow();
    }

    /** Stages fed by @Listen. */
    List<StageSpec> listeners() {
        return stages.stream().filter(s -> s.listenPort() != null).toList();
    }

    /**
     * One {@code @Stage} method.
     *
     * @param inputs the parameters that make up the event (the emitter excluded)
     * @param eventType the queue's element type: the single parameter's (boxed) type, the batch element
     *     type, or the generated record {@code <Stage>Event}
     * @param batch whether the method takes a {@code List} of events
     * @param targets the {@code @Emits} targets, in declaration order; the emitter parameter exists iff non-empty
     * @param listenPort the {@code @Listen} default port, or null
     * @param listenHost the {@code @Listen} default host, or null
     */
    record StageSpec(
            ExecutableElement method,
            StageNode node,
            List<VariableElement> inputs,
            TypeName eventType,
            boolean batch,
            List<String> targets,
            Integer listenPort,
            String listenHost) {

        /** The generated record when the stage has several input parameters. */
        boolean hasRecord() {
            return inputs.size() > 1;
        }

        String capitalized() {
            return Character.toUpperCase(node.name().charAt(0)) + node.name().substring(1);
        }
    }
}
