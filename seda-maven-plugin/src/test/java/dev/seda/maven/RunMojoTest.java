package dev.seda.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunMojoTest {

    @Test
    void argumentsSplitAtSpacesAndQuotesKeepThem() {
        assertEquals(List.of("--port", "8080", "--root", "site"), RunMojo.split("  --port 8080\t--root site "));
        assertEquals(List.of("--root", "my site", "--name=a b", ""), RunMojo.split("--root 'my site' --name=\"a b\" ''"));
        assertEquals(List.of(), RunMojo.split(null));
        assertEquals(List.of(), RunMojo.split("   "));
    }
}
