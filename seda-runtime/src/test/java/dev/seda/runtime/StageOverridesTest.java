package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageOverridesTest {

    @Test
    void theCommandLineRetunesAStageWithoutARebuild() {
        StageSettings base = StageSettings.of("lookup").threads(1, 2).queue(64)
                .admission(AdmissionPolicy.tokenBucket(10, 10));
        Config config = Config.fromArgs("--lookup.threads", "2..8", "--lookup.queue=4096",
                "--lookup.response-target-ms", "200,50", "--lookup.max-rate", "500", "--lookup.reject-above", "100",
                "--lookup.max-age-ms", "250", "--lookup.pool", "shared", "--other.queue", "1",
                "--lookup.grow-above", "20", "--lookup.batch", "4..32", "--lookup.when-full", "block",
                "--lookup.block-ms", "250", "--lookup.sample-ms", "500", "--lookup.idle-ms", "3000");
        StageSettings s = StageOverrides.apply(base, config);
        assertEquals(2, s.minThreads());
        assertEquals(8, s.maxThreads());
        assertEquals(ThreadPoolControl.DEFAULT.withQueueThreshold(20).withSampleInterval(Duration.ofMillis(500))
                .withIdleTimeout(Duration.ofSeconds(3)), s.threadControl());
        assertEquals(4, s.minBatch());
        assertEquals(32, s.maxBatch());
        assertEquals(WhenFull.BLOCK, s.whenFull());
        assertEquals(Duration.ofMillis(250), s.blockTimeout());
        assertEquals(4096, s.queueCapacity());
        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(50)), s.overload().targets());
        assertEquals(List.of(AdmissionPolicy.tokenBucket(500, 500), AdmissionPolicy.queueThreshold(100),
                AdmissionPolicy.maxQueueAge(Duration.ofMillis(250))), s.admission(), "the old bucket is replaced");
        assertEquals(Execution.SHARED, s.execution());
    }

    @Test
    void withoutOptionsNothingChanges() {
        StageSettings base = StageSettings.of("a").threads(1, 3);
        StageSettings s = StageOverrides.apply(base, Config.fromArgs("--port", "80"));
        assertEquals(base, s);
        assertNull(s.overload());
    }

    @Test
    void malformedValuesNameTheOption() {
        StageSettings base = StageSettings.of("a");
        for (String[] bad : List.of(new String[] {"--a.threads", "many"}, new String[] {"--a.queue", "0"},
                new String[] {"--a.response-target-ms", "fast"}, new String[] {"--a.max-rate", "-3"},
                new String[] {"--a.pool", "elsewhere"}, new String[] {"--a.grow-above", "-1"},
                new String[] {"--a.batch", "some"}, new String[] {"--a.when-full", "wait"},
                new String[] {"--a.block-ms", "soon"}, new String[] {"--a.sample-ms", "0"},
                new String[] {"--a.idle-ms", "-1"})) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> StageOverrides.apply(base, Config.fromArgs(bad)));
            assertTrue(e.getMessage().startsWith(bad[0] + " expects"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> StageOverrides.apply(base, Config.fromArgs("--a.threads", "4..2")));
        assertTrue(e.getMessage().contains("threads must satisfy 1 <= min <= max"), e.getMessage());
    }

    @Test
    void anOverriddenPolicyKeepsItsPlaceInTheOrder() {
        StageSettings base = StageSettings.of("a").admission(AdmissionPolicy.queueThreshold(50),
                AdmissionPolicy.tokenBucket(10, 10), AdmissionPolicy.maxQueueAge(Duration.ofMillis(9)));
        StageSettings s = StageOverrides.apply(base, Config.fromArgs("--a.max-rate", "500", "--a.reject-above", "60"));
        assertEquals(List.of(AdmissionPolicy.queueThreshold(60), AdmissionPolicy.tokenBucket(500, 500),
                AdmissionPolicy.maxQueueAge(Duration.ofMillis(9))), s.admission(), "the order decides the reason");
    }

    @Test
    void theBlockTimeoutAloneKeepsTheStagesPolicy() {
        StageSettings base = StageSettings.of("a").whenFull(WhenFull.DROP_OLDEST, Duration.ofMillis(100));
        StageSettings s = StageOverrides.apply(base, Config.fromArgs("--a.block-ms", "40"));
        assertEquals(WhenFull.DROP_OLDEST, s.whenFull());
        assertEquals(Duration.ofMillis(40), s.blockTimeout());
        assertEquals(Duration.ZERO, StageOverrides.apply(base, Config.fromArgs("--a.block-ms", "0")).blockTimeout(),
                "0 ms, as in @Stage(blockMillis = 0): one try, no wait");
    }

    @Test
    void aThresholdAtTheOverriddenCapacityStopsTheStart() {
        SedaGraph.Builder graph = SedaGraph.builder("g").jmx(false)
                .overrides(Config.fromArgs("--a.queue", "100"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> graph.stage(StageSettings.of("a").admission(AdmissionPolicy.queueThreshold(900)).queue(1000)));
        assertTrue(e.getMessage().contains("reject-above must be at least 1 and below the queue capacity 100"),
                e.getMessage());
    }

    @Test
    void theBuilderAppliesThemToEveryStage() {
        SedaGraph.Builder graph = SedaGraph.builder("g").jmx(false)
                .overrides(Config.fromArgs("--a.queue", "7", "--shared-threads", "3"));
        Stage<String> a = graph.stage(StageSettings.of("a"));
        assertEquals(7, a.settings().queueCapacity());
        assertThrows(IllegalArgumentException.class,
                () -> SedaGraph.builder("g").overrides(Config.fromArgs("--shared-threads", "x")));
    }
}
