package dev.seda.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up overrides of a stage's settings from the command line, so an operator can retune a
 * deployed server without rebuilding it: {@code --<stage>.threads 2..8}, {@code --<stage>.grow-above 20},
 * {@code --<stage>.sample-ms 2000}, {@code --<stage>.idle-ms 1000} (the thread-pool controller's),
 * {@code --<stage>.batch 1..64}, {@code --<stage>.queue 4096},
 * {@code --<stage>.when-full reject|block|drop-oldest}, {@code --<stage>.block-ms 100},
 * {@code --<stage>.response-target-ms 200[,50]}, {@code --<stage>.max-rate 500},
 * {@code --<stage>.reject-above 100}, {@code --<stage>.max-age-ms 250}, {@code --<stage>.pool own|shared}.
 * A malformed value is an {@link IllegalArgumentException} naming the option.
 */
final class StageOverrides {
    private static final Pattern RANGE = Pattern.compile("(\\d{1,9})(?:\\.\\.(\\d{1,9}))?");

    private StageOverrides() {}

    static StageSettings apply(StageSettings settings, Config config) {
        String name = settings.name();
        StageSettings s = settings;
        Optional<String> threads = config.get(name + ".threads");
        if (threads.isPresent()) {
            int[] range = range(name + ".threads", threads.get());
            s = s.threads(range[0], range[1]);
        }
        Optional<String> growAbove = config.get(name + ".grow-above");
        if (growAbove.isPresent()) {
            int events = wholeNumber(name + ".grow-above", growAbove.get(), 1);
            s = s.threadControl(s.threadControl().withQueueThreshold(events));
        }
        Optional<String> sample = config.get(name + ".sample-ms");
        if (sample.isPresent()) {
            int millis = wholeNumber(name + ".sample-ms", sample.get(), 1);
            s = s.threadControl(s.threadControl().withSampleInterval(Duration.ofMillis(millis)));
        }
        Optional<String> idle = config.get(name + ".idle-ms");
        if (idle.isPresent()) {
            int millis = wholeNumber(name + ".idle-ms", idle.get(), 1);
            s = s.threadControl(s.threadControl().withIdleTimeout(Duration.ofMillis(millis)));
        }
        Optional<String> batch = config.get(name + ".batch");
        if (batch.isPresent()) {
            int[] range = range(name + ".batch", batch.get());
            s = s.batch(range[0], range[1]);
        }
        Optional<String> queue = config.get(name + ".queue");
        if (queue.isPresent()) {
            s = s.queue(wholeNumber(name + ".queue", queue.get(), 1));
        }
        Optional<String> whenFull = config.get(name + ".when-full");
        Optional<String> blockMillis = config.get(name + ".block-ms");
        if (whenFull.isPresent() || blockMillis.isPresent()) {
            WhenFull policy = whenFull.isEmpty() ? s.whenFull()
                    : switch (whenFull.get().trim().toLowerCase(Locale.ROOT)) {
                        case "reject" -> WhenFull.REJECT;
                        case "block" -> WhenFull.BLOCK;
                        case "drop-oldest" -> WhenFull.DROP_OLDEST;
                        default -> throw bad(name + ".when-full", whenFull.get(), "reject, block or drop-oldest");
                    };
            Duration timeout = blockMillis.isEmpty() ? s.blockTimeout()
                    : Duration.ofMillis(wholeNumber(name + ".block-ms", blockMillis.get(), 0));
            s = s.whenFull(policy, timeout);
        }
        Optional<String> targets = config.get(name + ".response-target-ms");
        if (targets.isPresent()) {
            List<Duration> perClass = new ArrayList<>();
            for (String part : targets.get().split(",")) {
                perClass.add(Duration.ofMillis(wholeNumber(name + ".response-target-ms", part.trim(), 1)));
            }
            OverloadControl old = s.overload();
            s = s.overload(old == null ? OverloadControl.of(perClass.toArray(Duration[]::new))
                    : new OverloadControl(perClass, old.classifier(), old.samples(), old.window(), old.initialRate(),
                            old.minRate(), old.maxRate(), old.increase(), old.decrease(), old.lowerClassDecrease()));
        }
        Optional<String> rate = config.get(name + ".max-rate");
        if (rate.isPresent()) {
            double perSecond = positiveDouble(name + ".max-rate", rate.get());
            s = s.withPolicy(AdmissionPolicy.tokenBucket(perSecond, (int) Math.max(1, Math.ceil(perSecond))), true);
        }
        Optional<String> rejectAbove = config.get(name + ".reject-above");
        if (rejectAbove.isPresent()) {
            int length = wholeNumber(name + ".reject-above", rejectAbove.get(), 1);
            s = s.withPolicy(AdmissionPolicy.queueThreshold(length), true);
        }
        Optional<String> maxAge = config.get(name + ".max-age-ms");
        if (maxAge.isPresent()) {
            int millis = wholeNumber(name + ".max-age-ms", maxAge.get(), 1);
            s = s.withPolicy(AdmissionPolicy.maxQueueAge(Duration.ofMillis(millis)), true);
        }
        Optional<String> pool = config.get(name + ".pool");
        if (pool.isPresent()) {
            s = s.execution(switch (pool.get().trim().toLowerCase(Locale.ROOT)) {
                case "own" -> Execution.OWN_THREADS;
                case "shared" -> Execution.SHARED;
                default -> throw bad(name + ".pool", pool.get(), "own or shared");
            });
        }
        return s;
    }

    /** {@code n} (as n..n) or {@code min..max}; the settings check the bounds' order. */
    private static int[] range(String option, String value) {
        Matcher m = RANGE.matcher(value.trim());
        if (!m.matches()) {
            throw bad(option, value, "n or min..max");
        }
        int min = Integer.parseInt(m.group(1));
        return new int[] {min, m.group(2) == null ? min : Integer.parseInt(m.group(2))};
    }

    private static int wholeNumber(String option, String value, int min) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(option, value, "a whole number of at least " + min);
    }

    private static double positiveDouble(String option, String value) {
        try {
            double d = Double.parseDouble(value.trim());
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(option, value, "a positive number");
    }

    private static IllegalArgumentException bad(String option, String value, String expected) {
        return new IllegalArgumentException("--" + option + " expects " + expected + ", got '" + value + "'");
    }
}
