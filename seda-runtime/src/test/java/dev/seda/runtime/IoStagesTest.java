package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timer and file stages inside a running graph: their events flow, and a stop drains them. */
class IoStagesTest {

    @Test
    void aTimerStageTicksInOrderUntilTheGraphStops() throws Exception {
        List<Long> ticks = new CopyOnWriteArrayList<>();
        SedaGraph.Builder builder = SedaGraph.builder("ticker").jmx(false);
        Stage<Tick> tick = builder.stage(StageSettings.of("tick"));
        builder.handler(tick, t -> ticks.add(t.sequence())).every(tick, Duration.ofMillis(10));
        SedaGraph graph = builder.build();
        graph.start();
        TimersTest.waitFor(() -> ticks.size() >= 5);
        assertTrue(graph.stop(Duration.ofSeconds(5)));
        int atStop = ticks.size();
        Thread.sleep(60);
        assertEquals(atStop, ticks.size(), "no tick after stop");
        for (int i = 0; i < ticks.size(); i++) {
            assertEquals(i + 1, ticks.get(i), "ticks in order");
        }
    }

    @Test
    void fileCompletionsRequestedUpstreamAreHandledBeforeTheStopEnds(@TempDir Path dir) throws Exception {
        int files = 300;
        for (int i = 0; i < files; i++) {
            Files.writeString(dir.resolve(i + ".txt"), "file " + i);
        }
        AtomicInteger read = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        SedaGraph.Builder builder = SedaGraph.builder("reader").jmx(false);
        Stage<Integer> request = builder.stage(StageSettings.of("request").queue(files));
        Stage<FileCompletion<Integer>> done = builder.stage(StageSettings.of("done").queue(files));
        FileRequests<Integer> requests = new FileRequests<>(builder.files(), done);
        builder.handler(request, i -> {
            if (!requests.readAll(dir.resolve(i + ".txt"), i)) {
                failed.incrementAndGet();
            }
        });
        builder.handler(done, c -> {
            if (c.ok() && new String(c.data().array()).equals("file " + c.attachment())) {
                read.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
        });
        SedaGraph graph = builder.build();
        graph.start();
        for (int i = 0; i < files; i++) {
            assertTrue(request.offer(i));
        }
        assertTrue(graph.stop(Duration.ofSeconds(10)), "drained");
        assertEquals(files, read.get(), "every admitted request was read and handled");
        assertEquals(0, failed.get());
    }
}
