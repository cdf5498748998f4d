package app;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpPacket;
import java.nio.charset.StandardCharsets;
import lib.Inventory;

/** The application module's part: it listens, and emits to a stage of the library's part. */
@StageGraph(value = "shop", includes = Inventory.class)
public final class Front {
    @Stage
    @Listen(port = 0)
    @Emits("reserve")
    void parse(TcpPacket packet, FrontOut.Parse out) {
        String[] words = new String(packet.bytes(), StandardCharsets.UTF_8).trim().split(" ");
        out.reserve(packet.connection(), words[0], Integer.parseInt(words[1]));
    }
}
