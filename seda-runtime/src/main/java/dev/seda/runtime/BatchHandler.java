package dev.seda.runtime;

import java.util.List;

/**
 * Handles a batch of events taken from the queue in order. The list belongs to the handler. An
 * exception counts every event of the batch as failed.
 */
@FunctionalInterface
public interface BatchHandler<E> {
    void handle(List<E> events) throws Exception;
}
