package dev.seda.runtime;

/**
 * An event that knows its request class, for a stage whose response-time overload controller has
 * several classes ({@code @Stage(responseTargetMillis = {500, 100})}): the controller sheds lower
 * classes first. When a stage's event has several parameters, the generated event record is
 * classified by its first parameter that implements this.
 */
public interface Classified {
    /** 0 for the least important class, up to the number of targets less one. */
    int requestClass();
}
