package dev.seda.runtime;

/** JMX and JFR glue. */
final class Telemetry {
    private Telemetry() {}

    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    static Registration register(SedaGraph graph, boolean jmx) {
        return () -> { };
    }

    static void decision(String graph, ControllerDecision d) {
    }
}
