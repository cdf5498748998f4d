package com.example;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.TcpConnection;
import dev.seda.runtime.TcpPacket;
import java.nio.charset.StandardCharsets;

/** Answers each line "name" with "hello, name". */
@StageGraph("greeter")
public class Greeter {

    @Stage(threads = "1", queue = 512)
    @Listen(port = 7000)
    @Emits("greet")
    void read(TcpPacket packet, GreeterOut.Read out) {
        for (String name : new String(packet.bytes(), StandardCharsets.UTF_8).split("\n")) {
            out.greet(packet.connection(), name.trim());
        }
    }

    @Stage(threads = "1..2")
    @Emits("reply")
    void greet(TcpConnection connection, String name, GreeterOut.Greet out) {
        out.reply(connection, "hello, " + name + "\n");
    }

    @Stage(sink = true)
    void reply(TcpConnection connection, String text) {
        connection.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
