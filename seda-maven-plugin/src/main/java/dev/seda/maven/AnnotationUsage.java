package dev.seda.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Tells whether compiled classes use {@code @StageGraph}. The annotation has CLASS retention, so its
 * descriptor string is in the constant pool of every class that carries it; no class loading needed.
 */
public final class AnnotationUsage {

    /** The type descriptor of {@code dev.seda.annotations.StageGraph} as it appears in a class file. */
    static final byte[] MARKER = "Ldev/seda/annotations/StageGraph;".getBytes(StandardCharsets.UTF_8);

    private AnnotationUsage() {}

    /** The first class file (in path order) under {@code classesDir} that carries {@code @StageGraph}. */
    public static Optional<Path> firstAnnotatedClass(Path classesDir) throws IOException {
        return annotatedClasses(classesDir).stream().findFirst();
    }

    /** Every class file under {@code classesDir} that carries {@code @StageGraph}, in path order. */
    public static List<Path> annotatedClasses(Path classesDir) throws IOException {
        if (!Files.isDirectory(classesDir)) {
            return List.of();
        }
        List<Path> classes;
        try (Stream<Path> walk = Files.walk(classesDir)) {
            classes = walk.filter(p -> p.getFileName().toString().endsWith(".class") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
        List<Path> annotated = new java.util.ArrayList<>();
        for (Path file : classes) {
            if (contains(Files.readAllBytes(file), MARKER)) {
                annotated.add(file);
            }
        }
        return annotated;
    }

    /** {@code com/example/Outer$Inner.class} under {@code classesDir} is {@code com.example.Outer.Inner}. */
    public static String className(Path classesDir, Path classFile) {
        String relative = classesDir.relativize(classFile).toString().replace(java.io.File.separatorChar, '/');
        return relative.substring(0, relative.length() - ".class".length()).replace('/', '.').replace('$', '.');
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
