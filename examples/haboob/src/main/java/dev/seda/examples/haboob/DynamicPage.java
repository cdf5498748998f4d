package dev.seda.examples.haboob;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The deliberately expensive request class: a page under {@code /dynamic/} is computed on every
 * request by a chain of SHA-256 rounds over its target. The cost is counted in rounds, not in time, so
 * that it is the same CPU work whatever else the machine is doing; that makes a server's capacity
 * for these pages known, which the overload benchmarks need. The benchmark's Netty and JDK servers
 * render the same pages with this class.
 */
public final class DynamicPage {
    /** Targets starting with this are dynamic pages. */
    public static final String PREFIX = "/dynamic/";

    private DynamicPage() {
    }

    /** The page for {@code target}, after {@code rounds} SHA-256 rounds of work. */
    public static byte[] render(String target, long rounds) {
        MessageDigest sha = sha256();
        byte[] digest = target.getBytes(StandardCharsets.UTF_8);
        for (long i = 0; i < rounds; i++) {
            digest = sha.digest(digest);
        }
        String page = "target " + target + "\nrounds " + rounds + "\nsha256 " + HexFormat.of().formatHex(digest)
                + "\n";
        return page.getBytes(StandardCharsets.UTF_8);
    }

    /** How many rounds take about {@code cost} on this machine, measured after a warm-up. */
    public static long roundsFor(Duration cost) {
        render("warm-up", 200_000); // let the JIT compile the loop first
        long rounds = 20_000;
        long start = System.nanoTime();
        render("calibrate", rounds);
        double nanosPerRound = (double) (System.nanoTime() - start) / rounds;
        return Math.max(1, Math.round(cost.toNanos() / nanosPerRound));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
