package dev.seda.examples.haboob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafePathsTest {
    private final Path root = Path.of("/srv/site");

    @Test
    void mapsPathsUnderTheRoot() throws Exception {
        assertEquals(root.resolve("a/b.html"), SafePaths.resolve(root, "/a/b.html"));
        assertEquals(root.resolve("a b.html"), SafePaths.resolve(root, "/a%20b.html"));
        assertEquals(root, SafePaths.resolve(root, "/"));
        assertEquals(root.resolve("x"), SafePaths.resolve(root, "//./x"));
    }

    @Test
    void refusesEveryWayOut() {
        for (String escape : List.of("/../etc/passwd", "/a/../../etc/passwd", "/%2e%2e/etc/passwd",
                "/%2E%2E%2Fetc%2Fpasswd", "/a/..%2f..%2fetc", "/..", "/x%00.html", "/..%5c..%5cetc")) {
            var e = assertThrows(SafePaths.Refused.class, () -> SafePaths.resolve(root, escape), escape);
            assertEquals(404, e.status, escape);
        }
    }

    @Test
    void refusesMalformedEncodings() {
        for (String bad : List.of("/%", "/%zz", "/%c3%28", "relative", "/caf\u00e9")) {
            var e = assertThrows(SafePaths.Refused.class, () -> SafePaths.resolve(root, bad), bad);
            assertEquals(400, e.status, bad);
        }
    }
}
