package dev.seda.maven;

import dev.seda.graph.DescriptorCodec;
import dev.seda.graph.StageGraphModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the stage-graph descriptors ({@code META-INF/seda/*.json}) in class-path entries: directories
 * and jars. Order is deterministic: entries in the order given, descriptors of one entry by name.
 */
public final class DescriptorDiscovery {

    /** A descriptor and where it was read from (for messages). */
    public record Found(String origin, StageGraphModel graph) {}

    private DescriptorDiscovery() {}

    /**
     * Reads every descriptor of every entry. Missing entries are skipped (Maven lists output
     * directories that may not exist yet).
     *
     * @throws IOException when an entry exists but cannot be read
     * @throws DescriptorCodec.IncompatibleDescriptorException when a descriptor has another format version
     * @throws IllegalArgumentException when a descriptor is malformed
     */
    public static List<Found> find(List<Path> classPath) throws IOException {
        List<Found> found = new ArrayList<>();
        for (Path entry : classPath) {
            found.addAll(find(entry));
        }
        return found;
    }

    /** Reads the descriptors of one class-path entry (a directory or a jar). */
    public static List<Found> find(Path entry) throws IOException {
        if (Files.isDirectory(entry)) {
            return inDirectory(entry);
        }
        if (Files.isRegularFile(entry) && isArchive(entry)) {
            return inJar(entry);
        }
        return List.of();
    }

    private static boolean isArchive(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".jar") || name.endsWith(".zip");
    }

    private static List<Found> inDirectory(Path root) throws IOException {
        Path dir = root.resolve(DescriptorCodec.DIRECTORY);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
        List<Found> found = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                String origin = file.toString();
                found.add(new Found(origin, DescriptorCodec.read(in, origin)));
            }
        }
        return found;
    }

    private static List<Found> inJar(Path jar) throws IOException {
        List<Found> found = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(DescriptorCodec.DIRECTORY) && name.endsWith(".json")
                        && name.indexOf('/', DescriptorCodec.DIRECTORY.length()) < 0) {
                    names.add(name);
                }
            }
            names.sort(null);
            for (String name : names) {
                try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
                    String origin = jar + "!/" + name;
                    found.add(new Found(origin, DescriptorCodec.read(in, origin)));
                }
            }
        }
        return found;
    }
}
