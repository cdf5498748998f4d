package dev.seda.runtime;

/** Handles one event. An exception is counted as a failure and logged; the worker carries on. */
@FunctionalInterface
public interface EventHandler<E> {
    void handle(E event) throws Exception;
}
