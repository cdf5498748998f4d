package dev.seda.examples.haboob;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Pages by file, least recently used first out, bounded in bytes. A page older than the refresh
 * period is still served, but the first request to find it so is told to read the file again (through
 * the async file stage), so that a changed file is served within about one period. Thread-safe.
 */
final class PageCache {
    private final long capacityBytes;
    private final long refreshNanos;
    private final LinkedHashMap<Path, Page> pages = new LinkedHashMap<>(64, 0.75f, true);
    private final Set<Path> refreshing = new HashSet<>();
    private long sizeBytes;

    PageCache(long capacityBytes, long refreshNanos) {
        this.capacityBytes = capacityBytes;
        this.refreshNanos = refreshNanos;
    }

    /** What a lookup found: the page (or null), and whether this caller should read the file again. */
    record Lookup(Page page, boolean refresh) {}

    synchronized Lookup get(Path file, long now) {
        Page page = pages.get(file);
        if (page == null) {
            return new Lookup(null, false);
        }
        boolean refresh = now - page.readAt() > refreshNanos && refreshing.add(file);
        return new Lookup(page, refresh);
    }

    synchronized void put(Path file, Page page) {
        refreshing.remove(file);
        if (page.bytes().length > capacityBytes) {
            remove(file);
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

    /** The refresh a lookup was told to do could not start: let a later lookup do it. */
    synchronized void refreshNotDone(Path file) {
        refreshing.remove(file);
    }

    /** Forgets a file that is gone or could not be read. */
    synchronized void remove(Path file) {
        refreshing.remove(file);
        Page old = pages.remove(file);
        if (old != null) {
            sizeBytes -= old.bytes().length;
        }
    }

    synchronized long sizeBytes() {
        return sizeBytes;
    }
}
