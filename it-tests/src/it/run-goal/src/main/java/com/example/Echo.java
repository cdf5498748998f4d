package com.example;

import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.Config;
import dev.seda.runtime.TcpPacket;
import java.util.Timer;
import java.util.TimerTask;

/** Echoes what it reads. With --exit-after-ms N it stops itself, so that a test can run it with seda:run. */
@StageGraph("echo")
public class Echo {

    public Echo(Config config) {
        long exitAfter = config.integer("exit-after-ms", 0);
        if (exitAfter > 0) {
            new Timer("exit-after", true).schedule(new TimerTask() {
                @Override
                public void run() {
                    System.out.println("echo: exiting after " + exitAfter + " ms, as asked");
                    System.exit(0); // runs the graph's shutdown hook: a clean stop
                }
            }, exitAfter);
        }
    }

    @Stage(sink = true)
    @Listen(port = 7001)
    void echo(TcpPacket packet) {
        packet.connection().write(packet.bytes());
    }
}
