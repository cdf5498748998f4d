package dev.seda.examples.haboob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PageCacheTest {
    private static Page page(int bytes, long readAt) {
        return new Page("text/plain", new byte[bytes], Instant.EPOCH, readAt);
    }

    @Test
    void evictsTheLeastRecentlyUsedPagesToStayWithinItsBytes() {
        PageCache cache = new PageCache(100, 1_000);
        Path a = Path.of("/a");
        Path b = Path.of("/b");
        Path c = Path.of("/c");
        cache.put(a, page(40, 0));
        cache.put(b, page(40, 0));
        cache.get(a, 0); // a is now more recently used than b
        cache.put(c, page(40, 0));
        assertNull(cache.get(b, 0).page(), "b went first");
        assertTrue(cache.get(a, 0).page() != null && cache.get(c, 0).page() != null);
        assertEquals(80, cache.sizeBytes());
        cache.put(Path.of("/huge"), page(101, 0));
        assertNull(cache.get(Path.of("/huge"), 0).page(), "a page larger than the cache is not cached");
        assertEquals(80, cache.sizeBytes());
    }

    @Test
    void oneLookupAtATimeIsToldToRefreshAnOldPage() {
        PageCache cache = new PageCache(100, 1_000);
        Path a = Path.of("/a");
        Page old = page(10, 0);
        cache.put(a, old);
        assertFalse(cache.get(a, 500).refresh(), "young enough");
        PageCache.Lookup first = cache.get(a, 2_000);
        assertTrue(first.refresh());
        assertSame(old, first.page());
        assertFalse(cache.get(a, 2_001).refresh(), "the others get the cached page meanwhile");
        cache.refreshNotDone(a);
        assertTrue(cache.get(a, 2_002).refresh(), "a refresh that could not start is retried");
        cache.put(a, page(12, 2_003));
        assertFalse(cache.get(a, 2_004).refresh());
        assertEquals(12, cache.get(a, 2_004).page().bytes().length);
        cache.remove(a);
        assertEquals(0, cache.sizeBytes());
    }
}
