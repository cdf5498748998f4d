package dev.seda.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports compile errors on the offending element, each with a stable id and a hint:
 * {@code [SedaEmitsUnknownStage] stage 'lookup' emits to 'reply', ... Hint: ...}.
 */
final class Diagnostics {
    private final Messager messager;
    private int errors;

    Diagnostics(Messager messager) {
        this.messager = messager;
    }

    /** Counts errors without printing them: for parts of a graph that were compiled and checked elsewhere. */
    static Diagnostics quiet() {
        return new Diagnostics(null);
    }

    void error(Element element, String id, String message, String hint) {
        errors++;
        if (messager == null) {
            return;
        }
        messager.printMessage(Diagnostic.Kind.ERROR, "[" + id + "] " + message + " Hint: " + hint, element);
    }

    int errorCount() {
        return errors;
    }
}
