package com.example;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpPacket;

/** Every stage wants many threads: 1 + 100 + 40 = 141, beyond the budget of 100 set in invoker.properties. */
@StageGraph("greedy")
public class Greedy {

    @Stage
    @Listen
    @Emits("work")
    void read(TcpPacket packet, GreedyOut.Read out) {}

    @Stage(threads = "4..100")
    @Emits("store")
    void work(String item, GreedyOut.Work out) {}

    @Stage(threads = "40", sink = true)
    void store(String item) {}
}
