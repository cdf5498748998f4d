package com.example;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpPacket;

/** Compiles, but the graph is wrong in two ways that only the whole graph shows. */
@StageGraph("leaky")
public class Leaky {

    @Stage(queue = Stage.UNBOUNDED)
    @Listen
    @Emits("store")
    void read(TcpPacket packet, LeakyOut.Read out) {}

    @Stage(sink = true)
    void store(String line) {}

    @Stage
    void orphan(String line) {}
}
