package dev.seda.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Parsed command line: {@code --key value}, {@code --key=value}, or a bare {@code --flag} (which
 * means {@code "true"}). Keys are stored without the dashes; a repeated key keeps its last value.
 * Immutable.
 */
public final class Config {
    private final Map<String, String> values;

    private Config(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** @throws IllegalArgumentException for a positional argument or an option without a name */
    public static Config fromArgs(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = Objects.requireNonNull(args[i], "argument");
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg
                        + "': options look like --key value, --key=value or --flag");
            }
            String body = arg.substring(2);
            int eq = body.indexOf('=');
            String key = eq >= 0 ? body.substring(0, eq) : body;
            if (key.isBlank()) {
                throw new IllegalArgumentException("option '" + arg + "' has no name: write --key value");
            }
            String value;
            if (eq >= 0) {
                value = body.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];  // "-5" is a value, "--x" the next option
            } else {
                value = "true";
            }
            values.put(key, value);
        }
        return new Config(values);
    }

    public static Config empty() {
        return new Config(Map.of());
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String string(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    /** @throws IllegalArgumentException when the value is not a whole number */
    public int integer(String key, int defaultValue) {
        String value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects a whole number, got '" + value + "'");
        }
    }

    /**
     * Absent means {@code false}; {@code --key}, {@code --key true} mean {@code true}.
     *
     * @throws IllegalArgumentException when the value is neither true nor false
     */
    public boolean flag(String key) {
        String value = values.get(key);
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException("--" + key + " expects true or false, got '" + value + "'");
    }

    /** A copy with one value set. */
    public Config with(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new Config(copy);
    }

    @Override
    public String toString() {
        return "Config" + values;
    }
}
