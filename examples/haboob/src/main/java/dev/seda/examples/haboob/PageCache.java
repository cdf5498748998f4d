package dev.seda.examples.haboob;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Pages by file, least recently used first out, bounded in bytes. Thread-safe. */
final class PageCache {
    private final long capacityBytes;
    private final LinkedHashMap<Path, Page> pages = new LinkedHashMap<>(64, 0.75f, true);
    private long sizeBytes;

    PageCache(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    synchronized Page get(Path file) {
        return pages.get(file);
    }

    synchronized void put(Path file, Page page) {
        if (page.bytes().length > capacityBytes) {
            return;
        }
        Page old = pages.put(file, page);
        sizeBytes += page.bytes().length - (old == null ? 0 : old.bytes().length);
        var eldest = pages.entrySet().iterator();
        while (sizeBytes > capacityBytes) {
            Map.Entry<Path, Page> e = eldest.next();
            sizeBytes -= e.getValue().bytes().length;
            eldest.remove();
        }
    }
}
