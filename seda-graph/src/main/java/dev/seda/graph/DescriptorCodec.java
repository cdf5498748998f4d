package dev.seda.graph;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads and writes stage-graph descriptors ({@code META-INF/seda/<graph>.json}). Deterministic output. */
public final class DescriptorCodec {

    /** Where descriptors live on a class path. */
    public static final String DIRECTORY = "META-INF/seda/";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS) // isSource() is derived, not a field
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer minor versions may add fields
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private DescriptorCodec() {}

    public static String write(StageGraphModel graph) {
        try {
            return MAPPER.writeValueAsString(graph) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write descriptor of graph " + graph.name(), e);
        }
    }

    /**
     * Reads a descriptor.
     *
     * @throws IncompatibleDescriptorException when it was written by an incompatible version
     */
    public static StageGraphModel read(InputStream in, String origin) {
        try {
            JsonNode tree = MAPPER.readTree(in);
            int version = tree.path("formatVersion").asInt(-1);
            if (version != StageGraphModel.FORMAT_VERSION) {
                throw new IncompatibleDescriptorException(origin, version);
            }
            return MAPPER.treeToValue(tree, StageGraphModel.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed seda descriptor " + origin + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read seda descriptor " + origin, e);
        }
    }

    /** A descriptor whose format version this build does not understand. */
    public static final class IncompatibleDescriptorException extends RuntimeException {
        public IncompatibleDescriptorException(String origin, int version) {
            super("[SedaDescriptorVersion] " + origin + " has descriptor format " + version + ", this seda reads format "
                    + StageGraphModel.FORMAT_VERSION + ". Hint: rebuild the module that produced it with this seda version.");
        }
    }
}
