package com.example.app;

import com.example.lib.Audit;
import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpPacket;

/** The application's graph, in a module that depends on the library. */
@StageGraph("shop")
public class Shop {

    static final Class<?> USES_THE_LIBRARY = Audit.class;

    @Stage
    @Listen(port = 7200)
    @Emits("order")
    void receive(TcpPacket packet, ShopOut.Receive out) {}

    @Stage(threads = "1..4", sink = true)
    void order(String item) {}
}
