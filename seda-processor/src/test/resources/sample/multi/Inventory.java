package lib;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The library module's part of graph "shop": it has no source of its own. */
@StageGraph("shop")
public final class Inventory {
    public static final List<String> LOG = new CopyOnWriteArrayList<>();

    @Stage(threads = "1..2")
    @Emits("log")
    void reserve(TcpConnection connection, String item, int quantity, InventoryOut.Reserve out) {
        connection.write(("reserved " + quantity + " " + item + "\n").getBytes(StandardCharsets.UTF_8));
        out.log(item);
    }

    @Stage(sink = true)
    void log(String item) {
        LOG.add(item);
    }
}
