package com.example;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.QueueFull;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpConnection;
import dev.seda.runtime.TcpPacket;
import java.util.List;

/** A haboob-like shape: a cycle (readFile -> lookup), a fan-out, a batch and a blocking queue. */
@StageGraph("web")
public class Web {

    @Stage(queue = 4096)
    @Listen(port = 8080)
    @Emits("lookup")
    void parse(TcpPacket packet, WebOut.Parse out) {}

    @Stage(threads = "1..2")
    @Emits({"readFile", "reply"})
    void lookup(TcpConnection connection, String path, WebOut.Lookup out) {}

    @Stage(threads = "2..8", queue = 256, whenFull = QueueFull.DROP_OLDEST)
    @Emits({"reply", "lookup"})
    void readFile(TcpConnection connection, String path, byte[] body, WebOut.ReadFile out) {}

    @Stage(threads = "2", queue = 512, whenFull = QueueFull.BLOCK, blockMillis = 250, batch = "1..16", sink = true)
    void reply(List<Reply> replies) {}

    public record Reply(TcpConnection connection, byte[] body) {}
}
