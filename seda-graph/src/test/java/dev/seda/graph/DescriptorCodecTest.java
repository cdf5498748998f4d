package dev.seda.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seda.graph.StageGraphModel.Edge;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DescriptorCodecTest {

    static StageGraphModel sample() {
        return new StageGraphModel(1, "demo", "demo.Svc",
                List.of(GraphRulesTest.source("listen:a"), GraphRulesTest.stage("a", "P")),
                List.of(new Edge("listen:a", "a", "P")));
    }

    static StageGraphModel read(String json) {
        return DescriptorCodec.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    @Test
    void roundTripsAndIsDeterministic() {
        String json = DescriptorCodec.write(sample());
        assertEquals(sample(), read(json));
        assertEquals(json, DescriptorCodec.write(read(json)));
        assertTrue(json.indexOf("\"formatVersion\"") < json.indexOf("\"stages\""), json);
    }

    @Test
    void rejectsAnotherFormatVersionWithAHint() {
        String json = DescriptorCodec.write(sample()).replace("\"formatVersion\" : 1", "\"formatVersion\" : 7");
        var e = assertThrows(DescriptorCodec.IncompatibleDescriptorException.class, () -> read(json));
        assertTrue(e.getMessage().startsWith("[SedaDescriptorVersion] test.json has descriptor format 7"), e.getMessage());
    }

    @Test
    void toleratesFieldsAddedByANewerMinorVersion() {
        String json = DescriptorCodec.write(sample()).replace("\"name\" : \"demo\"", "\"name\" : \"demo\", \"extra\" : 3");
        assertEquals(sample(), read(json));
    }

    @Test
    void malformedJsonNamesTheFile() {
        var e = assertThrows(IllegalArgumentException.class, () -> read("{ nope"));
        assertTrue(e.getMessage().contains("test.json"), e.getMessage());
    }
}
