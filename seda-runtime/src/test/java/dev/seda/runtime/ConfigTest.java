package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void parsesSpaceEqualsAndBareFlags() {
        Config c = Config.fromArgs("--port", "8080", "--host=0.0.0.0", "--verbose", "--offset", "-5", "--empty=");
        assertEquals(8080, c.integer("port", 1));
        assertEquals("0.0.0.0", c.string("host", "127.0.0.1"));
        assertTrue(c.flag("verbose"));
        assertEquals(-5, c.integer("offset", 0));
        assertEquals(Optional.of(""), c.get("empty"));
    }

    @Test
    void flagFollowedByOptionIsTrue() {
        Config c = Config.fromArgs("--debug", "--port", "1");
        assertTrue(c.flag("debug"));
        assertEquals(1, c.integer("port", 0));
    }

    @Test
    void defaultsWhenAbsent() {
        Config c = Config.empty();
        assertEquals(Optional.empty(), c.get("port"));
        assertEquals(42, c.integer("port", 42));
        assertEquals("x", c.string("host", "x"));
        assertFalse(c.flag("verbose"));
    }

    @Test
    void lastValueWins() {
        assertEquals(2, Config.fromArgs("--n", "1", "--n=2").integer("n", 0));
    }

    @Test
    void explicitFalseFlag() {
        assertFalse(Config.fromArgs("--verbose=false").flag("verbose"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromArgs("--verbose=yes").flag("verbose"));
        assertEquals("--verbose expects true or false, got 'yes'", e.getMessage());
    }

    @Test
    void withReturnsCopy() {
        Config base = Config.fromArgs("--port", "1");
        Config changed = base.with("port", "2").with("host", "h");
        assertEquals(1, base.integer("port", 0));
        assertEquals(Optional.empty(), base.get("host"));
        assertEquals(2, changed.integer("port", 0));
        assertEquals("h", changed.string("host", null));
    }

    @Test
    void nonNumberIsClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromArgs("--port", "x").integer("port", 0));
        assertEquals("--port expects a whole number, got 'x'", e.getMessage());
    }

    @Test
    void positionalArgumentRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromArgs("--port", "1", "stray", "more"));
        assertTrue(e.getMessage().contains("'stray'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Config.fromArgs("-p", "1"));
        assertTrue(e.getMessage().contains("unexpected argument '-p'"), e.getMessage());
    }

    @Test
    void optionWithoutNameRejected() {
        for (String bad : new String[] {"--", "--=1", "--  "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.fromArgs(bad));
            assertTrue(e.getMessage().contains("has no name"), e.getMessage());
        }
    }
}
