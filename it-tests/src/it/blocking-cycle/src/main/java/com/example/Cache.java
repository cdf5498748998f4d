package com.example;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.QueueFull;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpPacket;

/** A cache whose misses go to fetch, which feeds lookup again: both queues block when full. */
@StageGraph("cache")
public class Cache {

    @Stage
    @Listen
    @Emits("lookup")
    void read(TcpPacket packet, CacheOut.Read out) {}

    @Stage(whenFull = QueueFull.BLOCK)
    @Emits({"fetch", "reply"})
    void lookup(String key, CacheOut.Lookup out) {}

    @Stage(whenFull = QueueFull.BLOCK, blockMillis = 500)
    @Emits("lookup")
    void fetch(String key, CacheOut.Fetch out) {}

    @Stage(sink = true)
    void reply(String value) {}
}
