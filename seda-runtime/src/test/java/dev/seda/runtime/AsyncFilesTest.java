package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsyncFilesTest {
    private final AsyncFiles files = new AsyncFiles("test", 4, 10_000);
    private final BlockingQueue<FileCompletion<Integer>> done = new LinkedBlockingQueue<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        assertTrue(files.close(Duration.ofSeconds(5)));
    }

    private FileCompletion<Integer> next() throws InterruptedException {
        FileCompletion<Integer> c = done.poll(5, TimeUnit.SECONDS);
        assertNotNull(c, "a completion arrives");
        return c;
    }

    @Test
    void readsAWholeFile() throws Exception {
        Path file = Files.writeString(dir.resolve("page.html"), "<p>hello</p>");
        java.nio.file.attribute.FileTime modified = java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(file, modified);
        assertTrue(files.readAll(file, 7, done::add));
        FileCompletion<Integer> c = next();
        assertTrue(c.ok());
        assertEquals(7, c.attachment());
        assertEquals("<p>hello</p>", StandardCharsets.UTF_8.decode(c.data()).toString());
        assertEquals(modified, c.lastModified(), "a web server's Last-Modified comes with the bytes");
    }

    @Test
    void errorsArriveAsCompletions() throws Exception {
        assertTrue(files.readAll(dir.resolve("missing"), 1, done::add));
        FileCompletion<Integer> missing = next();
        assertFalse(missing.ok());
        assertInstanceOf(NoSuchFileException.class, missing.error());

        Path locked = Files.writeString(dir.resolve("locked"), "secret");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        if (Files.isReadable(locked)) {
            // Root ignores file modes (CI runs as root), but the kernel still refuses it writes to some
            // of its own files: the same AccessDeniedException, delivered the same way.
            locked = Path.of("/sys/kernel/notes");
            Assumptions.assumeTrue(Files.exists(locked), "no file here that even root may not write");
            assertNotNull(files.open(locked, Set.of(StandardOpenOption.WRITE), 2, done::add));
        } else {
            assertTrue(files.readAll(locked, 2, done::add));
        }
        FileCompletion<Integer> denied = next();
        assertEquals(2, denied.attachment());
        assertInstanceOf(AccessDeniedException.class, denied.error());
    }

    @Test
    void aDeniedFileIsReportedEvenForRoot() throws Exception {
        // Root reads any file, but nobody can open a directory as a file: still a completion with an error.
        assertTrue(files.readAll(dir, 3, done::add));
        FileCompletion<Integer> c = next();
        assertFalse(c.ok());
        assertEquals(3, c.attachment());
        assertEquals(1, files.metrics().failed());
    }

    @Test
    void requestsOnOneFileRunInOrderWhileManyFilesProceed() throws Exception {
        int filesCount = 8;
        int appends = 200;
        List<AsyncFiles.AsyncFile<Integer>> handles = new ArrayList<>();
        for (int f = 0; f < filesCount; f++) {
            handles.add(files.open(dir.resolve("log" + f), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    -1, done::add));
        }
        // Interleave requests from several threads per file; each thread's appends are numbered.
        List<Thread> threads = new ArrayList<>();
        for (int f = 0; f < filesCount; f++) {
            AsyncFiles.AsyncFile<Integer> file = handles.get(f);
            Thread t = new Thread(() -> {
                for (int i = 0; i < appends; i++) {
                    assertTrue(file.append(ByteBuffer.wrap((i + "\n").getBytes(StandardCharsets.UTF_8)), i));
                }
                file.flush(-2);
                file.close(-3);
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        int expected = filesCount * (appends + 3);
        List<FileCompletion<Integer>> all = new ArrayList<>();
        while (all.size() < expected) {
            all.add(next());
        }
        assertTrue(all.stream().allMatch(FileCompletion::ok), "all succeeded");
        for (int f = 0; f < filesCount; f++) {
            Path path = dir.resolve("log" + f);
            List<Integer> order = all.stream().filter(c -> c.path().equals(path)).map(FileCompletion::attachment)
                    .toList();
            assertEquals(-1, order.get(0), "open first");
            assertEquals(List.of(-2, -3), order.subList(appends + 1, appends + 3), "flush, then close, last");
            for (int i = 0; i < appends; i++) {
                assertEquals(i, order.get(i + 1), "completions in request order");
            }
            List<String> lines = Files.readAllLines(path);
            assertEquals(appends, lines.size());
            for (int i = 0; i < appends; i++) {
                assertEquals(Integer.toString(i), lines.get(i), "bytes in request order");
            }
        }
    }

    @Test
    void readsAndWritesAtPositions() throws Exception {
        AsyncFiles.AsyncFile<Integer> file = files.open(dir.resolve("data"),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE), 0, done::add);
        file.write(0, ByteBuffer.wrap("hello world".getBytes(StandardCharsets.UTF_8)), 1);
        file.read(6, 100, 2);
        file.read(100, 10, 3);
        file.close(4);
        assertTrue(next().ok());
        assertEquals(11, next().bytes());
        FileCompletion<Integer> read = next();
        assertEquals("world", StandardCharsets.UTF_8.decode(read.data()).toString());
        assertEquals(-1, next().bytes(), "end of file");
        assertTrue(next().ok());
        assertTrue(file.read(0, 1, 5), "admitted");
        FileCompletion<Integer> afterClose = next();
        assertFalse(afterClose.ok(), "a closed handle fails its requests, as completions");
        assertEquals(5, afterClose.attachment());
    }

    @Test
    void refusesBeyondItsPendingBoundAndAfterClose() throws Exception {
        AsyncFiles small = new AsyncFiles("small", 1, 2);
        CountDownLatch release = new CountDownLatch(1);
        Sink<FileCompletion<Integer>> blocking = c -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        };
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertTrue(small.readAll(file, 1, blocking));
        assertTrue(small.readAll(file, 2, blocking));
        assertFalse(small.readAll(file, 3, blocking), "third pending request refused");
        assertEquals(1, small.metrics().refused());
        release.countDown();
        assertTrue(small.close(Duration.ofSeconds(5)), "admitted requests complete on close");
        assertFalse(small.readAll(file, 4, blocking));
        assertNull(small.open(file, Set.of(StandardOpenOption.READ), 5, blocking));
    }

    @Test
    void aStageTakesCompletionsPastItsAdmissionControlWaitingForRoom() throws Exception {
        // The stage refuses every event offered to it, has room for one, and its handler is held
        // until all 20 requests are made: the completions of admitted requests must all arrive anyway.
        SedaGraph.Builder b = SedaGraph.builder("completions");
        Stage<FileCompletion<Integer>> stage = b.stage(StageSettings.of("done").queue(1)
                .admission(AdmissionPolicy.predicate(e -> false)));
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> handled = java.util.Collections.synchronizedList(new ArrayList<>());
        b.handler(stage, c -> {
            release.await();
            handled.add(c.attachment());
        });
        try (SedaGraph g = b.build()) {
            g.start();
            Path file = Files.writeString(dir.resolve("f"), "x");
            assertFalse(stage.offer(new FileCompletion<>(file, FileOp.READ_ALL, -1, 0, null, null)),
                    "an event offered to the stage is judged by its admission policy");
            for (int i = 0; i < 20; i++) {
                assertTrue(files.readAll(file, i, stage));
            }
            // 4 file threads wait for room, the rest of the requests wait for a file thread.
            TimersTest.waitFor(() -> files.metrics().pending() == 18);
            release.countDown();
            TimersTest.waitFor(() -> handled.size() == 20);
            assertEquals(0, files.metrics().undelivered());
            assertEquals(1, stage.metrics().rejected(), "only the plain offer was refused");
            assertTrue(g.stop(Duration.ofSeconds(5)));
            // A stopped stage is closed: a completion for it is counted as undelivered, not waited for.
            assertTrue(files.readAll(file, 99, stage));
            TimersTest.waitFor(() -> files.metrics().undelivered() == 1);
        }
    }

    @Test
    void aCompletionTheStageRefusesIsCounted() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertTrue(files.readAll(file, 1, c -> false));
        TimersTest.waitFor(() -> files.metrics().undelivered() == 1);
    }
}
