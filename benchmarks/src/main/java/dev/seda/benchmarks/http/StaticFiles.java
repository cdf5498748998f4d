package dev.seda.benchmarks.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
            page = new Page(contentType(file.getFileName().toString()), Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        cache.putIfAbsent(path, page);
        return page;
    }

    static String contentType(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html", "htm" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "json" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "ico" -> "image/x-icon";
            case "txt", "md" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }
}
