package com.example;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpPacket;

@StageGraph("broken")
public class Broken {

    @Stage
    @Listen
    @Emits("nowhere")
    void read(TcpPacket packet, BrokenOut.Read out) {}
}
