package com.example.app;

import com.example.lib.Inventory;
import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpPacket;
import java.nio.charset.StandardCharsets;

/** The application's part of graph "shop": it listens and emits into the library's part. */
@StageGraph(value = "shop", includes = Inventory.class)
public class Front {

    @Stage
    @Listen(port = 7200)
    @Emits("reserve")
    void receive(TcpPacket packet, FrontOut.Receive out) {
        out.reserve(packet.connection(), new String(packet.bytes(), StandardCharsets.UTF_8).trim());
    }
}
