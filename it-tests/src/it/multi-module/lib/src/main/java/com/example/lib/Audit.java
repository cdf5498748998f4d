package com.example.lib;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpPacket;

/** A library's own graph: an audit log fed over TCP. */
@StageGraph("audit")
public class Audit {

    @Stage
    @Listen(port = 7100)
    @Emits("record")
    void receive(TcpPacket packet, AuditOut.Receive out) {}

    @Stage(sink = true)
    void record(String line) {}
}
