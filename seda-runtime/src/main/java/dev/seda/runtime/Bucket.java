package dev.seda.runtime;

/**
 * A token bucket: {@code rate} tokens per second, at most {@code depth}. Refilled lazily from the
 * clock on each attempt, so it needs no timer thread. Infinite rate admits everything.
 */
final class Bucket {
    private double rate;
    private double depth;
    private final boolean depthFollowsRate;
    private double tokens;
    private long last;

    /** A bucket of fixed depth. */
    Bucket(double rate, double depth, long now) {
        this.rate = rate;
        this.depth = depth;
        this.depthFollowsRate = false;
        this.tokens = depth;
        this.last = now;
    }

    /** A bucket holding a tenth of a second's worth (at least 1): for rates a controller moves. */
    Bucket(double rate, long now) {
        this.rate = rate;
        this.depthFollowsRate = true;
        this.depth = depthFor(rate);
        this.tokens = this.depth;
        this.last = now;
    }

    private static double depthFor(double rate) {
        return Math.max(1, rate / 10);
    }

    synchronized boolean tryAcquire(long now) {
        return tryAcquire(now, 0);
    }

    /**
     * Takes a token, or one on credit while the bucket owes less than {@code debt} tokens: later
     * refills pay it back first, so the rate holds over time while the moment of a refusal no longer
     * depends on who arrived just before it.
     */
    synchronized boolean tryAcquire(long now, double debt) {
        if (rate == Double.POSITIVE_INFINITY) {
            return true;
        }
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(depth, tokens + elapsed * rate / 1e9);
            last = now;
        }
        if (tokens >= 1 - debt) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** At most this many tokens at once. */
    synchronized double depth() {
        return depth;
    }

    synchronized double rate() {
        return rate;
    }

    synchronized void setRate(double r, long now) {
        tryRefill(now);
        rate = r;
        if (depthFollowsRate) {
            depth = depthFor(r);
        }
        tokens = Math.min(tokens, depth);
    }

    private void tryRefill(long now) {
        if (rate != Double.POSITIVE_INFINITY && now - last > 0) {
            tokens = Math.min(depth, tokens + (now - last) * rate / 1e9);
        } else if (rate == Double.POSITIVE_INFINITY) {
            tokens = depth;
        }
        last = now;
    }
}
