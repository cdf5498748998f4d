package com.example.lib;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpConnection;
import java.nio.charset.StandardCharsets;

/** The library's part of graph "shop": no source of its own; the app feeds it. */
@StageGraph("shop")
public class Inventory {

    @Stage(threads = "1..2")
    @Emits("audit")
    void reserve(TcpConnection connection, String item, InventoryOut.Reserve out) {
        connection.write(("reserved " + item + "\n").getBytes(StandardCharsets.UTF_8));
        out.audit(item);
    }

    @Stage(sink = true)
    void audit(String item) {}
}
