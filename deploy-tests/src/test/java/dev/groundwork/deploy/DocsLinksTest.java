package dev.groundwork.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every relative link in README.md, docs/ and bench/ leads to a file of the repository, and a {@code file.md#anchor}
 * to a heading of that file (GitHub's slug). A path in a code span that climbs out of its folder ({@code `../x`})
 * must also lie in the repository: the repository stands alone. Nothing outside the repository is ever read.
 */
class DocsLinksTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** {@code [text](target)} and {@code ![alt](target)}; the text may run over lines; an optional "title". */
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*(<[^>]*>|[^)\\s]+)(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** {@code [label]: target} */
    private static final Pattern REFERENCE = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+]:\\s*(<[^>]*>|\\S+)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Pattern CLIMBING_PATH = Pattern.compile("(\\.\\./)+[\\w./-]+");
    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^ {0,3}(=+|-+)\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s[^>]*(?:id|name)=\"([^\"]+)\"");
    private static final Pattern LINE_ANCHOR = Pattern.compile("L\\d+(-L\\d+)?");

    @Test
    void everyRelativeLinkInTheDocsResolvesInsideTheRepository() throws IOException {
        assertTrue(Files.isRegularFile(ROOT.resolve("README.md")) && Files.isDirectory(ROOT.resolve("deploy-tests")),
                ROOT + " is not the repository root");
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        for (Path markdown : markdownFiles()) {
            for (Link link : links(Files.readString(markdown))) {
                String problem = problem(markdown, link, anchors);
                if (problem != null) {
                    broken.add(ROOT.relativize(markdown) + ":" + link.line() + ": " + link.target() + " — " + problem);
                }
            }
        }
        assertTrue(broken.isEmpty(), broken.size() + " broken link(s):\n" + String.join("\n", broken));
    }

    @Test
    void linksAreFoundOutsideCodeOnlyAndClimbingCodePathsToo() {
        String markdown = """
                See [the setup](docs/setup.md#first-run) and
                [a link over
                two lines](../x.md "title"), ![a picture](img/a.png), [web](https://example.com), [here](#top).
                `[not a link](code.md)` but `../outside/FILE.md` is a path.
                ```
                [in a fence](fenced.md)
                ```
                [ref]: <docs/with space.md>
                """;
        assertEquals(List.of(new Link(1, "docs/setup.md#first-run", false), new Link(3, "../x.md", false),
                        new Link(3, "img/a.png", false), new Link(3, "https://example.com", false), new Link(3, "#top", false),
                        new Link(4, "../outside/FILE.md", true), new Link(8, "docs/with space.md", false)),
                links(markdown));
    }

    @Test
    void anchorsAreGithubSlugsOfTheHeadings() {
        assertEquals(Set.of("payment-service-stripe", "signing-keys-and-their-rotation", "a-service-is-not-ready-qhealthready-answers-503",
                        "notes", "notes-1", "setext-title", "custom", "the-linked-page"),
                anchors("""
                        # payment-service (Stripe)
                        ## Signing keys and their rotation ##
                        ## A service is not ready (`/q/health/ready` answers 503)
                        ### Notes
                        ### Notes
                        Setext title
                        ============
                        <a id="custom"></a>
                        ## The [linked](x.md) **page**
                        ```
                        # not a heading
                        ```
                        """));
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        for (String folder : List.of("docs", "bench")) {
            try (Stream<Path> walk = Files.walk(ROOT.resolve(folder))) {
                walk.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted().forEach(files::add);
            }
        }
        return files;
    }

    /** What is wrong with {@code link} in {@code markdown}, or null when it resolves (or is not a relative link). */
    private static String problem(Path markdown, Link link, Map<Path, Set<String>> anchors) throws IOException {
        String target = link.target();
        if (target.startsWith("#") || SCHEME.matcher(target).find()) {
            return null;
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? "" : target.substring(hash + 1);
        path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        Path resolved = (path.startsWith("/") ? ROOT.resolve(path.substring(1)) : markdown.getParent().resolve(path)).normalize();
        if (!resolved.startsWith(ROOT)) {
            return "leads outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file " + ROOT.relativize(resolved);
        }
        if (!resolved.toRealPath().startsWith(ROOT.toRealPath())) {
            return "a link out of the repository";
        }
        if (anchor.isEmpty() || !Files.isRegularFile(resolved)) {
            return null;
        }
        if (!resolved.toString().endsWith(".md")) {
            return LINE_ANCHOR.matcher(anchor).matches() ? null : "#" + anchor + " is not a line anchor";
        }
        Set<String> headings = anchors.computeIfAbsent(resolved, file -> {
            try {
                return anchors(Files.readString(file));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return headings.contains(anchor) ? null
                : "no heading #" + anchor + " in " + ROOT.relativize(resolved) + " (it has " + new java.util.TreeSet<>(headings) + ")";
    }

    /** A link target (or a climbing path in a code span) and the line it stands on. */
    record Link(int line, String target, boolean codeSpan) {
    }

    static List<Link> links(String markdown) {
        String text = withoutFencedCode(markdown);
        List<Link> found = new ArrayList<>();
        StringBuilder prose = new StringBuilder(text);
        Matcher code = CODE_SPAN.matcher(text);
        while (code.find()) {
            if (CLIMBING_PATH.matcher(code.group(2)).matches()) {
                found.add(new Link(lineOf(text, code.start()), code.group(2), true));
            }
            for (int i = code.start(); i < code.end(); i++) {
                if (prose.charAt(i) != '\n') {
                    prose.setCharAt(i, ' ');
                }
            }
        }
        for (Pattern pattern : List.of(INLINE_LINK, REFERENCE)) {
            Matcher link = pattern.matcher(prose);
            while (link.find()) {
                String target = link.group(1);
                if (target.startsWith("<")) {
                    target = target.substring(1, target.length() - 1);
                }
                found.add(new Link(lineOf(text, link.start(1)), target, false));
            }
        }
        found.sort(java.util.Comparator.comparingInt(Link::line));
        return found;
    }

    /** GitHub's heading ids (lower case, punctuation dropped, spaces to hyphens, repeats numbered) and HTML anchors. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] lines = withoutFencedCode(markdown).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher atx = ATX_HEADING.matcher(lines[i]);
            String heading = null;
            if (atx.matches()) {
                heading = atx.group(1);
            } else if (i + 1 < lines.length && !lines[i].isBlank() && !lines[i].contains("|")
                    && SETEXT_UNDERLINE.matcher(lines[i + 1]).matches()) {
                heading = lines[i].trim();
            }
            if (heading != null) {
                String slug = slug(heading);
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            }
            Matcher html = HTML_ANCHOR.matcher(lines[i]);
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    private static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "")
                .replace("*", "");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }

    /** The text with the lines of fenced code blocks blanked (so line numbers stay). */
    private static String withoutFencedCode(String markdown) {
        String[] lines = markdown.split("\n", -1);
        String fence = null;
        for (int i = 0; i < lines.length; i++) {
            Matcher opening = FENCE.matcher(lines[i]);
            if (fence == null && opening.find()) {
                fence = opening.group(1);
                lines[i] = "";
            } else if (fence != null) {
                if (lines[i].trim().startsWith(fence)) {
                    fence = null;
                }
                lines[i] = "";
            }
        }
        return String.join("\n", lines);
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
