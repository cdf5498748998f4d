package test;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Pool;
import dev.seda.annotations.QueueFull;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.Classified;
import dev.seda.runtime.Config;
import dev.seda.runtime.TcpConnection;
import dev.seda.runtime.TcpPacket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A line protocol: "item quantity\n" orders, answered with "ok\n", every line audited in batches. */
@StageGraph("shop")
public final class Shop {
    public static final List<String> AUDIT = new CopyOnWriteArrayList<>();

    public Shop(Config config) {}

    /** An item ordered; members' orders are the more important request class. */
    public record Item(String name, boolean member) implements Classified {
        @Override
        public int requestClass() {
            return member ? 1 : 0;
        }
    }

    @Stage(threads = "1", queue = 256)
    @Listen(port = 9000)
    @Emits({"order", "audit"})
    void parse(TcpPacket packet, ShopOut.Parse out) {
        for (String line : new String(packet.bytes(), StandardCharsets.UTF_8).split("\n")) {
            String[] words = line.trim().split(" ");
            out.order(packet.connection(), new Item(words[0], words.length > 2), Integer.parseInt(words[1]));
            out.audit("parsed " + line.trim());
        }
    }

    @Stage(threads = "1..2", whenFull = QueueFull.BLOCK, blockMillis = 50, responseTargetMillis = {500, 100},
            maxRate = 1000, rejectAbove = 900, maxQueueAgeMillis = 2000, growAbove = 5)
    @Emits("audit")
    void order(TcpConnection connection, Item item, int quantity, ShopOut.Order out) {
        connection.write(("ok " + quantity + " " + item.name() + "\n").getBytes(StandardCharsets.UTF_8));
        out.audit("ordered " + item.name());
    }

    @Stage(batch = "1..32", whenFull = QueueFull.DROP_OLDEST, sink = true, pool = Pool.OWN)
    void audit(List<String> lines) {
        AUDIT.addAll(lines);
    }
}
