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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    /** GitLab's security templates in their merge-request-pipeline editions (offline stand-ins). */
    static final List<String> TEMPLATES = List.of("SAST.latest.gitlab-ci.yml", "Secret-Detection.latest.gitlab-ci.yml");
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
        for (String template : TEMPLATES) {
            Files.copy(Path.of("src/test/resources/gitlab-templates/Jobs", template), templates.resolve(template));
        }
        // SAST runs where its analyzers find sources (rules: exists): the repository's Java, stood in for by one file.
        Path java = CHECKOUT.resolve("gateway/src/main/java/Gateway.java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "class Gateway {}\n");
        run(CHECKOUT, "git", "init", "-q", "-b", "main");
        run(CHECKOUT, "git", "remote", "add", "origin", "https://gitlab.example.com/groundwork/groundwork.git");
        run(CHECKOUT, "git", "add", ".gitlab-ci.yml", "gateway");
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
        for (String template : TEMPLATES) {
            assertTrue(includes.contains("Jobs/" + template), "includes Jobs/" + template + ": " + includes);
        }
        assertTrue(pipeline.at("/workflow/rules").toString().contains("merge_request_event"));
        assertEquals("production", pipeline.at("/deploy:production/environment/name").asText());
        assertTrue(pipeline.at("/deploy:production/rules").toString().contains("manual"), "production deploys by hand");
        String services = pipeline.at("/.infrastructure/services").toString();
        assertTrue(pipeline.at("/test/extends").toString().contains(".infrastructure")
                && services.contains("postgres") && services.contains("redis"), "test gets Postgres and Redis");
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

    @Test
    void aMergeRequestPipelineRunsTheSecurityScansAndNoDeploy() throws Exception {
        // What GitLab sets in a merge-request pipeline: the source, no branch, the merge request's id.
        String list = gitlabCiLocal("--list", "--variable", "CI_PIPELINE_SOURCE=merge_request_event",
                "--variable", "CI_COMMIT_BRANCH=", "--variable", "CI_MERGE_REQUEST_IID=7");
        for (String job : List.of("build", "test", "semgrep-sast", "secret_detection", "helm")) {
            assertTrue(list.lines().anyMatch(l -> l.startsWith(job + " ")), job + " missing from the MR pipeline:\n" + list);
        }
        assertTrue(list.lines().noneMatch(l -> l.startsWith("deploy:") || l.startsWith("images ")), list);
    }

    @Test
    void nothingIsSilencedWithOrTrue() throws IOException {
        assertFalse(Files.readString(PIPELINE).contains("|| true"), ".gitlab-ci.yml must not hide a failing command");
        assertFalse(Files.readString(Path.of("..", "helm", "package.sh")).contains("|| true"), "package.sh neither");
    }

    @Test
    void chartsAreVersionedLikeTheImagesSoTheirDefaultImageTagExists() throws IOException {
        JsonNode pipeline = YAML.readTree(PIPELINE.toFile());
        String images = pipeline.at("/images/script").toString();
        java.util.regex.Matcher tag = java.util.regex.Pattern.compile("-Dquarkus\\.container-image\\.tag=(\\S+)").matcher(images);
        assertTrue(tag.find(), images);
        String imageTag = tag.group(1);
        assertEquals("${CI_COMMIT_TAG:-$CI_COMMIT_SHORT_SHA}", imageTag);
        List<String> helm = new ArrayList<>();
        pipeline.at("/helm/script").forEach(l -> helm.add(l.asText()));
        String packaging = helm.stream().filter(l -> l.startsWith("helm/package.sh")).findFirst().orElseThrow(() -> new AssertionError(helm.toString()));
        assertTrue(packaging.contains("--app-version \"" + imageTag + "\""), "appVersion is the image tag: " + packaging);
        assertTrue(packaging.contains("--version \"$CHART_VERSION\"") && packaging.contains("--destination dist"), packaging);
        assertTrue(helm.contains("CHART_VERSION=\"${CI_COMMIT_TAG#v}\""), "a tag v1.2.3 gives chart 1.2.3: " + helm);
        assertTrue(helm.stream().anyMatch(l -> l.contains("CHART_VERSION=\"0.0.0-g$CI_COMMIT_SHORT_SHA\"")), "a branch gives 0.0.0-g<sha>: " + helm);
        assertEquals("chart.env", pipeline.at("/helm/artifacts/reports/dotenv").asText(), "CHART_VERSION reaches the deploy jobs");
    }

    @Test
    void deploysInstallThePackagedChartWithHelmAloneOneAtATimePerEnvironment() throws IOException {
        JsonNode pipeline = YAML.readTree(PIPELINE.toFile());
        String script = pipeline.at("/.deploy/script").toString();
        assertTrue(script.contains("helm upgrade --install groundwork \\\"dist/groundwork-$CHART_VERSION.tgz\\\""), script);
        assertTrue(script.contains("--kube-context \\\"$KUBE_CONTEXT\\\""), script);
        assertFalse(script.contains("kubectl"), "alpine/helm has no kubectl");
        assertFalse(script.contains("image.tag"), "the chart's appVersion is the image tag");
        assertTrue(script.contains("KUBE_CONTEXT:?"), "an unset context fails instead of deploying to the default one");
        assertEquals("deploy-staging", pipeline.at("/deploy:staging/resource_group").asText());
        assertEquals("deploy-production", pipeline.at("/deploy:production/resource_group").asText());
        for (String job : List.of("deploy:staging", "deploy:production")) {
            assertEquals(".deploy", pipeline.at("/" + job.replace("/", "~1") + "/extends").asText(), job);
        }
    }

    @Test
    void theNativeJobTestsTheNativeBuildAndIsRequiredOnTags() throws Exception {
        JsonNode pipeline = YAML.readTree(PIPELINE.toFile());
        String script = pipeline.at("/native/script").toString();
        assertTrue(script.contains("-Dnative") && script.contains(" verify ") && script.contains("-pl $SERVICE_MODULES -am"), script);
        assertFalse(script.contains("skipTests") || script.contains("skipITs"), "the *IT tests run against the native executables");
        assertTrue(script.contains("-Dtest=NoSuchTest"), "the unit tests ran in job test already: only the *IT run here");
        String services = pipeline.at("/.infrastructure/services").toString();
        assertTrue(services.contains("postgres") && services.contains("redis"), services);
        assertTrue(pipeline.at("/native/extends").toString().contains(".infrastructure"), "native gets Postgres and Redis like test");
        assertTrue(pipeline.at("/test/extends").toString().contains(".infrastructure"));
        String tag = gitlabCiLocal("--list", "--variable", "CI_COMMIT_TAG=v0.1.0");
        assertTrue(tag.lines().anyMatch(l -> l.matches("native\\s+native\\s+on_success\\s+false\\s+.*")), "required on a tag:\n" + tag);
        String branch = gitlabCiLocal("--list");
        assertTrue(branch.lines().anyMatch(l -> l.matches("native\\s+native\\s+manual\\s+true\\s+.*")), "manual, allowed to fail:\n" + branch);
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
