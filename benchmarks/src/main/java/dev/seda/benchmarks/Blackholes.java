package dev.seda.benchmarks;

/**
 * The no-op handler of every consumer: touches the event so the JIT cannot drop the read, at the
 * cost of one predictable branch.
 */
final class Blackholes {
    private static volatile Object sink;

    private Blackholes() {
    }

    static void handle(Object event) {
        if (event == Blackholes.class) {  // never true: events are never this class object
            sink = event;
        }
    }
}
