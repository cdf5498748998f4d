package dev.seda.runtime;

/** Anything events can be offered to. Generated emitters hold Sinks. */
public interface Sink<E> {
    /** @return whether the event was admitted ({@code false} = rejected, and counted as such) */
    boolean offer(E event);
}
