package dev.seda.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagram pages as a user opens them: real headless Chromium on the file, no network. The page
 * must load without a console error or a failed request, lay every stage out inside the SVG, and paint
 * it. Needs Chromium: {@code .ci/run} installs Debian's; on CI ({@code CI=true}) a missing browser
 * fails the test, elsewhere it is skipped.
 */
class DiagramInBrowserIT {

    /** Put first into a copy of the page's head: records script errors, failed loads and console errors. */
    private static final String TRAP = """
            <script>
            window.sedaErrors = [];
            window.addEventListener('error', function (e) {
              var t = e.target;
              window.sedaErrors.push(e.message || ('failed to load ' + (t && (t.src || t.href || t.data || t.tagName))));
            }, true);
            var sedaConsoleError = console.error;
            console.error = function () {
              window.sedaErrors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
              sedaConsoleError.apply(console, arguments);
            };
            </script>
            """;

    /** Appended to the copy (the page itself has no script): measures what the browser laid out. */
    private static final String PROBE = """
            <script>
            (function () {
              var loaded = performance.getEntriesByType('resource').map(function (r) { return r.name; });
              document.documentElement.setAttribute('data-probe-errors', window.sedaErrors.join(' | '));
              document.documentElement.setAttribute('data-probe-loaded', loaded.join(' | '));
              var nodes = document.querySelectorAll('svg.seda-graph g.node');
              var shown = [];
              nodes.forEach(function (g) {
                var box = g.getBBox();
                var text = g.querySelector('text');
                if (box.width > 20 && box.height > 20 && text && text.getComputedTextLength() > 0) {
                  shown.push(g.getAttribute('data-stage'));
                }
              });
              document.documentElement.setAttribute('data-probe-shown', shown.join('|'));
              document.documentElement.setAttribute('data-probe-ok', String(shown.length === nodes.length && nodes.length > 0));
              console.log('seda-probe: ' + shown.length + ' of ' + nodes.length + ' stages laid out');
            })();
            </script>
            """;

    private static String chromium;

    @BeforeAll
    static void findChromium() {
        chromium = locate();
        if (chromium == null) {
            String why = "Chromium not found (looked for $CHROMIUM, chromium, chromium-browser, google-chrome on PATH)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + ", and CI=true: the browser test must run on CI. .ci/run installs Debian's chromium.");
            }
            Assumptions.abort(why + ": skipped on this machine. Install it (apt-get install chromium) to run it.");
        }
    }

    static String locate() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                candidates.add(Path.of(dir.isEmpty() ? "." : dir, name).toString());
            }
        }
        return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst().orElse(null);
    }

    /** The pages drawn by real builds: haboob's, and the invoker samples'. */
    static List<Path> pages() {
        Path base = Path.of(System.getProperty("basedir", "."));
        List<Path> pages = List.of(
                base.resolve("../examples/haboob/target/seda/haboob.html"),
                base.resolve("target/it/valid-service/target/seda/greeter.html"),
                base.resolve("target/it/diagram-determinism/target/seda/web.html"));
        for (Path page : pages) {
            assertTrue(Files.isRegularFile(page), page + " is missing: build haboob and run the invoker samples first");
        }
        return pages;
    }

    /** The stage names of a page, from its SVG. */
    static Set<String> stages(String html) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("<g class=\"node [a-z]+\" data-stage=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            names.add(m.group(1).replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
                    .replace("&lt;", "<").replace("&gt;", ">"));
        }
        return names;
    }

    record Run(int status, String stdout, String stderr) {}

    /** One headless Chromium run with a fresh profile and no network. */
    static Run chromium(Path profile, Path stdout, Path stderr, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                // Any request leaving the machine goes to a closed port and fails, loudly.
                "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish within 90 s: " + command + "\n" + Files.readString(stderr));
        }
        return new Run(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    @Test
    void everyPageLoadsWithoutErrorsAndShowsEveryStage(@TempDir Path tmp) throws Exception {
        for (Path page : pages()) {
            String html = Files.readString(page, StandardCharsets.UTF_8);
            Set<String> stages = stages(html);
            assertTrue(stages.size() >= 2, page + " has stages " + stages);
            assertFalse(Pattern.compile("(?:src|href)\\s*=\\s*\"(?:https?:)?//").matcher(html).find(),
                    page + " must not load anything from the network");

            String name = page.getFileName().toString().replace(".html", "");
            Path probed = tmp.resolve(name + "-probed.html");
            Files.writeString(probed, html.replaceFirst("<head>", "<head>\n" + TRAP).replace("</body>", PROBE + "</body>"),
                    StandardCharsets.UTF_8);
            Run dom = chromium(Files.createDirectories(tmp.resolve(name + "-profile-dom")), tmp.resolve(name + ".dom"),
                    tmp.resolve(name + ".dom.err"), "--virtual-time-budget=5000", "--dump-dom", probed.toUri().toString());
            assertEquals(0, dom.status(), "chromium --dump-dom failed on " + page + ":\n" + dom.stderr());
            assertTrue(dom.stderr().contains("seda-probe: " + stages.size() + " of " + stages.size()),
                    "the console of " + page + " was captured and every stage was laid out:\n" + dom.stderr());
            // Chromium logs every console message, console.error and uncaught exceptions included, as CONSOLE.
            List<String> console = dom.stderr().lines()
                    .filter(l -> l.contains(":CONSOLE") && !l.contains("seda-probe: ") || l.contains("Uncaught"))
                    .toList();
            assertEquals(List.of(), console, "console messages while loading " + page);
            assertEquals("", attribute(dom.stdout(), "data-probe-errors"), "errors while loading " + page);
            assertEquals("", attribute(dom.stdout(), "data-probe-loaded"), page + " loads nothing: it works offline");
            String shown = attribute(dom.stdout(), "data-probe-shown");
            assertEquals("true", attribute(dom.stdout(), "data-probe-ok"), page + ": shown " + shown);
            assertEquals(stages, new LinkedHashSet<>(List.of(shown.split("\\|"))), page + ": stages laid out");
            String svg = dom.stdout().substring(dom.stdout().indexOf("<svg"), dom.stdout().indexOf("</svg>"));
            for (String stage : stages) {
                assertTrue(svg.contains(">" + stage.replace("&", "&amp;").replace("<", "&lt;") + "</text>"),
                        page + ": the rendered SVG shows no text " + stage);
            }

            Path png = tmp.resolve(name + ".png");
            Run shot = chromium(Files.createDirectories(tmp.resolve(name + "-profile-shot")), tmp.resolve(name + ".shot"),
                    tmp.resolve(name + ".shot.err"), "--window-size=1400,1000", "--screenshot=" + png,
                    page.toUri().toString());
            assertEquals(0, shot.status(), "chromium --screenshot failed on " + page + ":\n" + shot.stderr());
            assertPainted(png, page);
            Path keep = Path.of(System.getProperty("basedir", "."), "target", "browser", name + ".png");
            Files.createDirectories(keep.getParent());
            Files.copy(png, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // for people to look at
        }
    }

    /** The screenshot shows application stages (their fill colour) and an I/O source (its fill colour). */
    static void assertPainted(Path png, Path page) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null && image.getWidth() >= 1000, "no screenshot of " + page);
        int stageFill = 0;
        int sourceFill = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (rgb == 0xeef3fb) {
                    stageFill++;
                } else if (rgb == 0xe3f4e4) {
                    sourceFill++;
                }
            }
        }
        assertTrue(stageFill > 2000 && sourceFill > 500,
                page + ": the screenshot shows too little of the diagram (stage pixels " + stageFill + ", source pixels "
                        + sourceFill + ")");
    }

    static String attribute(String dom, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
        assertTrue(m.find(), "no " + name + " in the dumped DOM");
        return m.group(1);
    }
}
