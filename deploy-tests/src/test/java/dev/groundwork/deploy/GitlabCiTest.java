package dev.groundwork.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GitLab pipeline, checked offline: it parses, stages and needs are consistent, and gitlab-ci-local 4.65.1
 * (installed from npm into target/) accepts it with --list, --preview and --validate-dependency-chain. GitLab's
 * SAST and Secret-Detection templates cannot be fetched here; stand-ins with the same job shape are placed where
 * gitlab-ci-local caches includes.
 */
class GitlabCiTest {

    static final String GITLAB_CI_LOCAL_VERSION = "4.65.1";
    static final Path PIPELINE = Path.of("..", ".gitlab-ci.yml");
    static final Path TOOL = Path.of("target", "gitlab-ci-local").toAbsolutePath();
    static final Path CHECKOUT = Path.of("target", "gitlab-ci-checkout").toAbsolutePath();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Top-level keys that are keywords, not jobs. */
    static final Set<String> KEYWORDS = Set.of("workflow", "stages", "include", "variables", "default", "image",
            "services", "cache", "before_script", "after_script");

    @BeforeAll
    static void installGitlabCiLocalAndACheckout() throws Exception {
        if (!Files.exists(TOOL.resolve("node_modules/.bin/gitlab-ci-local"))) {
            Files.createDirectories(TOOL);
            run(TOOL, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                    "gitlab-ci-local@" + GITLAB_CI_LOCAL_VERSION);
        }
        // gitlab-ci-local reads git metadata: a throwaway repository on branch main with an origin.
        DeployFiles.deleteRecursively(CHECKOUT);
        Files.createDirectories(CHECKOUT);
        Files.copy(PIPELINE, CHECKOUT.resolve(".gitlab-ci.yml"));
        Path templates = CHECKOUT.resolve(".gitlab-ci-local/includes/gitlab.com/gitlab-org/gitlab/-/raw/HEAD/lib/gitlab/ci/templates/Jobs");
        Files.createDirectories(templates);
        for (String template : List.of("SAST.gitlab-ci.yml", "Secret-Detection.gitlab-ci.yml")) {
            Files.copy(Path.of("src/test/resources/gitlab-templates/Jobs", template), templates.resolve(template));
        }
        run(CHECKOUT, "git", "init", "-q", "-b", "main");
        run(CHECKOUT, "git", "remote", "add", "origin", "https://gitlab.example.com/groundwork/groundwork.git");
        run(CHECKOUT, "git", "add", ".gitlab-ci.yml");
        run(CHECKOUT, "git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit", "-q", "-m", "pipeline");
        run(CHECKOUT, "git", "update-ref", "refs/remotes/origin/main", "HEAD");
        run(CHECKOUT, "git", "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
    }

    @Test
    void stagesAndNeedsAreConsistent() throws IOException {
        assertEquals(List.of(), problems(YAML.readTree(PIPELINE.toFile())));
    }

    @Test
    void theConsistencyCheckCatchesABrokenPipeline() throws IOException {
        JsonNode broken = YAML.readTree("""
                stages: [build, test]
                build: {stage: build, script: [x], needs: [unit]}
                unit: {stage: test, script: [x]}
                typo: {stage: tset, script: [x], needs: [lint]}
                """);
        List<String> problems = problems(broken);
        assertTrue(problems.contains("typo: stage tset is not in stages"), problems.toString());
        assertTrue(problems.contains("typo: needs lint, which is not a job"), problems.toString());
        assertTrue(problems.contains("build: needs unit, which runs in a later stage"), problems.toString());
    }

    @Test
    void pipelineHasTheStagesSecurityTemplatesAndMergeRequestPipelines() throws IOException {
        JsonNode pipeline = YAML.readTree(PIPELINE.toFile());
        List<String> stages = new ArrayList<>();
        pipeline.get("stages").forEach(s -> stages.add(s.asText()));
        assertEquals(List.of("build", "test", "native", "image", "helm", "deploy"), stages);
        String includes = pipeline.get("include").toString();
        assertTrue(includes.contains("Jobs/SAST.gitlab-ci.yml") && includes.contains("Jobs/Secret-Detection.gitlab-ci.yml"));
        assertTrue(pipeline.at("/workflow/rules").toString().contains("merge_request_event"));
        assertEquals("production", pipeline.at("/deploy:production/environment/name").asText());
        assertTrue(pipeline.at("/deploy:production/rules").toString().contains("manual"), "production deploys by hand");
        assertTrue(pipeline.at("/test/services").toString().contains("postgres")
                && pipeline.at("/test/services").toString().contains("redis"));
        assertTrue(pipeline.at("/test/script").toString().contains("./groundwork test"), "CI runs the README's test command");
    }

    @Test
    void gitlabCiLocalListsEveryJobOfABranchPipeline() throws Exception {
        String list = gitlabCiLocal("--list");
        for (String job : List.of("build", "test", "semgrep-sast", "secret_detection", "native", "images", "helm", "deploy:staging")) {
            assertTrue(list.lines().anyMatch(l -> l.startsWith(job + " ")), job + " missing from:\n" + list);
        }
        assertTrue(list.lines().anyMatch(l -> l.startsWith("native ") && l.contains("manual")), "native is manual on a branch");
        assertTrue(list.lines().noneMatch(l -> l.startsWith("deploy:production")), "no production deploy from a branch");
    }

    @Test
    void aTagPipelineBuildsNativeAndOffersTheProductionDeploy() throws Exception {
        String list = gitlabCiLocal("--list", "--variable", "CI_COMMIT_TAG=v0.1.0");
        assertTrue(list.lines().anyMatch(l -> l.startsWith("native ") && l.contains("on_success")), list);
        assertTrue(list.lines().anyMatch(l -> l.startsWith("deploy:production") && l.contains("manual")), list);
    }

    @Test
    void gitlabCiLocalPreviewsAndValidatesTheDependencyChain() throws Exception {
        String preview = gitlabCiLocal("--preview");
        JsonNode expanded = YAML.readTree(preview.substring(preview.indexOf("---")));
        assertTrue(expanded.has("secret_detection") && expanded.has("semgrep-sast"), "templates expanded into the preview");
        assertEquals("eclipse-temurin:17.0.15_6-jdk", expanded.at("/test/image/name").asText(), "extends resolved");
        gitlabCiLocal("--validate-dependency-chain");
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** Every stage or needs inconsistency of a pipeline, as readable lines. */
    static List<String> problems(JsonNode pipeline) {
        List<String> stages = new ArrayList<>();
        pipeline.get("stages").forEach(s -> stages.add(s.asText()));
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        pipeline.fields().forEachRemaining(e -> {
            if (!KEYWORDS.contains(e.getKey()) && !e.getKey().startsWith(".")) {
                jobs.put(e.getKey(), e.getValue());
            }
        });
        List<String> problems = new ArrayList<>();
        jobs.forEach((name, job) -> {
            String stage = stageOf(pipeline, job);
            if (!stages.contains(stage)) {
                problems.add(name + ": stage " + stage + " is not in stages");
            }
            for (JsonNode need : neededBy(pipeline, job)) {
                String needed = need.isTextual() ? need.asText() : need.path("job").asText();
                if (!jobs.containsKey(needed)) {
                    problems.add(name + ": needs " + needed + ", which is not a job");
                } else if (stages.indexOf(stageOf(pipeline, jobs.get(needed))) > stages.indexOf(stage)) {
                    problems.add(name + ": needs " + needed + ", which runs in a later stage");
                }
            }
        });
        return problems;
    }

    private static String stageOf(JsonNode pipeline, JsonNode job) {
        return inherited(pipeline, job, "stage").map(JsonNode::asText).orElse("test");
    }

    private static JsonNode neededBy(JsonNode pipeline, JsonNode job) {
        return inherited(pipeline, job, "needs").orElse(YAML.createArrayNode());
    }

    /** A key of a job, or of the hidden job it extends. */
    private static java.util.Optional<JsonNode> inherited(JsonNode pipeline, JsonNode job, String key) {
        if (job.has(key)) {
            return java.util.Optional.of(job.get(key));
        }
        JsonNode parent = job.path("extends");
        return parent.isMissingNode() ? java.util.Optional.empty() : inherited(pipeline, pipeline.path(parent.asText()), key);
    }

    private static String gitlabCiLocal(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(TOOL.resolve("node_modules/.bin/gitlab-ci-local").toString()));
        command.addAll(List.of(args));
        return run(CHECKOUT, command.toArray(String[]::new));
    }

    private static String run(Path directory, String... command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is needed for this check and is not installed (Debian: apt-get install nodejs npm git)");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }
}
