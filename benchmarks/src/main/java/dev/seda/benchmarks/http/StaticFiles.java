package dev.seda.benchmarks.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the Netty and JDK servers serve: files under a root, read once and then kept in memory (like
 * haboob's page cache, but unbounded: the benchmark's file set is small), with a content type by
 * extension. Paths are already percent-decoded; a path that leaves the root, by {@code ..} or by a
 * symbolic link, is not found.
 */
final class StaticFiles {
    /** A file's bytes and content type. */
    record Page(String contentType, byte[] bytes) {}

    private final Path root;
    private final ConcurrentHashMap<String, Page> cache = new ConcurrentHashMap<>();

    StaticFiles(Path root) throws IOException {
        this.root = root.toRealPath();
    }

    Path root() {
        return root;
    }

    /** The page at {@code path} (decoded, starting with '/'), or null when there is none. */
    Page get(String path) {
        Page page = cache.get(path);
        if (page != null) {
            return page;
        }
        if (path.isEmpty() || path.charAt(0) != '/' || path.indexOf('\0') >= 0) {
            return null;
        }
        String relative = path.substring(1);
        if (relative.isEmpty() || relative.endsWith("/")) {
            relative += "index.html";
        }
        try {
            Path file = root.resolve(relative).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file) || !file.toRealPath().startsWith(root)) {
                return null;
            }
            String type = dev.seda.examples.haboob.Page.contentType(file.getFileName().toString());
            page = new Page(type, Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        cache.putIfAbsent(path, page);
        return page;
    }
}
