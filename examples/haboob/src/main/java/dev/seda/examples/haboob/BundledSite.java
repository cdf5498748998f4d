package dev.seda.examples.haboob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo site shipped inside the jar (its front page shows this example's own stage diagram),
 * copied to a temporary directory so that it is served through the same file stages as any root.
 */
final class BundledSite {
    private BundledSite() {}

    static Path extract() {
        try {
            Path target = Files.createTempDirectory("haboob-site");
            Path codeSource = Path.of(Haboob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(codeSource)) {
                copyTree(codeSource.resolve("site"), target);
            } else {
                try (FileSystem jar = FileSystems.newFileSystem(codeSource, Map.of())) {
                    copyTree(jar.getPath("/site"), target);
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(target), "haboob-site-cleanup"));
            return target.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the bundled site", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            Path dest = to.resolve(from.relativize(file).toString());
            Files.createDirectories(dest.getParent());
            try (InputStream in = Files.newInputStream(file)) {
                Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit: a temp directory left behind is harmless
        }
    }
}
