package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class StageSettingsTest {

    @Test
    void defaults() {
        StageSettings s = StageSettings.of("parse");
        assertEquals(new StageSettings("parse", 1, 1, 1024, WhenFull.REJECT, Duration.ofMillis(100), 1, 1), s);
    }

    @Test
    void withersCopy() {
        StageSettings s = StageSettings.of("parse").threads(2, 4).queue(10)
                .whenFull(WhenFull.BLOCK, Duration.ofSeconds(1)).batch(3, 8);
        assertEquals(new StageSettings("parse", 2, 4, 10, WhenFull.BLOCK, Duration.ofSeconds(1), 3, 8), s);
        assertEquals(StageSettings.of("parse"), StageSettings.of("parse").threads(1, 1));
    }

    @Test
    void invalidValuesNameTheStage() {
        StageSettings ok = StageSettings.of("lookup");
        expectError(() -> ok.threads(0, 1), "threads");
        expectError(() -> ok.threads(3, 2), "threads");
        expectError(() -> ok.queue(0), "queue");
        expectError(() -> ok.whenFull(WhenFull.BLOCK, Duration.ofMillis(-1)), "block timeout");
        expectError(() -> ok.whenFull(WhenFull.BLOCK, null), "block timeout");
        expectError(() -> ok.batch(0, 1), "batch");
        expectError(() -> ok.batch(5, 4), "batch");
        expectError(() -> new StageSettings("lookup", 1, 1, 1, null, Duration.ZERO, 1, 1), "whenFull");
    }

    @Test
    void blankNameRejected() {
        assertThrows(IllegalArgumentException.class, () -> StageSettings.of(" "));
        assertThrows(IllegalArgumentException.class, () -> StageSettings.of(null));
    }

    private static void expectError(Supplier<StageSettings> bad, String mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::get);
        assertTrue(e.getMessage().startsWith("stage 'lookup': "), e.getMessage());
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
    }
}
