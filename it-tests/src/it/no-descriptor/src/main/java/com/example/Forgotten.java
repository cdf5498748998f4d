package com.example;

import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpPacket;

/** The POM forgot the processor: nothing is generated, and the plugin says why. */
@StageGraph("forgotten")
public class Forgotten {
    @Stage
    @Listen
    void read(TcpPacket packet) {}
}
