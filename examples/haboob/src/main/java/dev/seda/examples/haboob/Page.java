package dev.seda.examples.haboob;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * A file's bytes as cached and served, with its content type and modification time.
 *
 * @param lastModified the file's modification time, in whole seconds as HTTP dates have them
 * @param readAt when the bytes were read ({@code System.nanoTime()}): the cache revalidates old pages
 */
public record Page(String contentType, byte[] bytes, Instant lastModified, long readAt) {
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    public Page {
        lastModified = lastModified.truncatedTo(ChronoUnit.SECONDS);
    }

    String lastModifiedHeader() {
        return HTTP_DATE.format(lastModified);
    }

    /** The Content-Type for a file's name, by its extension; the benchmarks' servers use it too. */
    public static String contentType(String fileName) {
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
            case "pdf" -> "application/pdf";
            case "txt", "md" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }
}
