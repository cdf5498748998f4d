package dev.seda.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JainTest {
    @Test
    void equalSharesAreFair() {
        assertEquals(1.0, HttpLoad.jain(new long[] {7, 7, 7, 7}), 1e-12);
    }

    @Test
    void oneClientGettingEverythingScoresOneOverN() {
        assertEquals(0.25, HttpLoad.jain(new long[] {0, 0, 12, 0}), 1e-12);
    }

    @Test
    void aKnownUnevenCase() {
        // (1 + 2 + 3)^2 / (3 * (1 + 4 + 9)) = 36 / 42
        assertEquals(36.0 / 42.0, HttpLoad.jain(new long[] {1, 2, 3}), 1e-12);
    }

    @Test
    void nothingAtAllIsUndefined() {
        assertTrue(Double.isNaN(HttpLoad.jain(new long[] {0, 0})));
        assertTrue(Double.isNaN(HttpLoad.jain(new long[0])));
    }

    @Test
    void largeCountsDoNotOverflow() {
        long big = 3_000_000_000L;
        assertEquals(1.0, HttpLoad.jain(new long[] {big, big}), 1e-12);
    }
}
