package test;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Every;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.Config;
import dev.seda.runtime.FileCompletion;
import dev.seda.runtime.Tick;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A timer reads numbered notes through the async file stage; errors arrive as completions too. */
@StageGraph("notes")
public final class Notes {
    public static final List<String> READ = new CopyOnWriteArrayList<>();
    private final Path dir;

    public Notes(Config config) {
        this.dir = Path.of(config.string("dir", "."));
    }

    @Stage
    @Every(millis = 20)
    @Emits("read")
    void sweep(Tick tick, NotesOut.Sweep out) {
        if (tick.sequence() <= 3) {
            out.read().readAll(dir.resolve(tick.sequence() + ".txt"), tick.sequence());
        }
    }

    @Stage(sink = true)
    void read(FileCompletion<Long> done) {
        READ.add(done.attachment() + ":" + (done.ok()
                ? StandardCharsets.UTF_8.decode(done.data()).toString()
                : done.error().getClass().getSimpleName()));
    }
}
