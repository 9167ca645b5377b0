package dev.groundwork.deploy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * helm/package.sh, the one way the charts are built (CI's helm job, ./groundwork chart), and what it produces. No
 * helm binary here: the script runs under {@code sh} with a stand-in {@code helm} that logs its calls and keeps the
 * staged (version-stamped) charts; helm-java then does what real helm does to them, in the script's order, and the
 * packaged umbrella is rendered as a user installs it.
 */
class PackageTest {

    static final Path SCRIPT = Path.of("..", "helm", "package.sh").toAbsolutePath().normalize();
    static final Path WORK = Path.of("target", "package-test").toAbsolutePath();
    static final List<String> SERVICES = ChartTest.SERVICE_CHARTS;

    @BeforeAll
    static void fakeHelm() throws IOException {
        DeployFiles.deleteRecursively(WORK);
        Files.createDirectories(WORK.resolve("bin"));
        Path helm = WORK.resolve("bin/helm");
        Files.writeString(helm, """
                #!/bin/sh
                # Stand-in for helm: logs the call; on package, keeps a copy of the staged charts.
                echo "$*" >> "$HELM_LOG"
                if [ "$1" = package ] && [ ! -d "$STAGED" ]; then cp -R "$(dirname "$2")" "$STAGED"; fi
                """);
        assertTrue(helm.toFile().setExecutable(true));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        DeployFiles.deleteRecursively(WORK);
    }

    @Test
    void withoutArgumentsItBuildsTheDependenciesInOrderAndLintsInPlace() throws Exception {
        List<String> calls = packageSh("in-place");
        Path charts = SCRIPT.getParent();
        List<String> expected = new ArrayList<>();
        SERVICES.forEach(c -> expected.add("dependency update " + charts.resolve(c)));
        expected.add("dependency update " + charts.resolve("groundwork"));
        Stream.concat(Stream.of("common"), Stream.concat(SERVICES.stream(), Stream.of("groundwork")))
                .forEach(c -> expected.add("lint --strict " + charts.resolve(c)));
        assertEquals(expected, calls, "the service charts get their common before the umbrella packs them; no packaging");
    }

    @Test
    void argumentsGoTogether() throws Exception {
        Process p = new ProcessBuilder("sh", SCRIPT.toString(), "--version", "1.2.3").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("--version, --app-version and --destination go together"), out);
    }

    @Test
    void aPackagedUmbrellaInstallsWithOnlyTheSecretNamesSetAndRunsThePipelinesImages() throws Exception {
        Path dist = WORK.resolve("dist");
        List<String> calls = packageSh("release", "--version", "1.2.3", "--app-version", "v1.2.3", "--destination", dist.toString());
        Path staged = WORK.resolve("staged-release");
        assertTrue(calls.indexOf("dependency update " + staged.resolve("groundwork"))
                > calls.indexOf("dependency update " + staged.resolve("monitoring-service")), calls.toString());
        for (String chart : Stream.concat(SERVICES.stream(), Stream.of("groundwork")).toList()) {
            assertTrue(calls.contains("package " + staged.resolve(chart) + " --destination " + dist), chart + " packaged: " + calls);
            String chartYaml = Files.readString(staged.resolve(chart).resolve("Chart.yaml"));
            assertTrue(chartYaml.contains("\nversion: 1.2.3\n") && chartYaml.contains("\nappVersion: \"v1.2.3\""), chartYaml);
        }
        String umbrella = Files.readString(staged.resolve("groundwork/Chart.yaml"));
        assertEquals(SERVICES.size(), umbrella.split("    version: 1.2.3\n", -1).length - 1, "dependencies pinned to 1.2.3:\n" + umbrella);
        assertTrue(Files.readString(staged.resolve("gateway/Chart.yaml")).contains("    version: 0.1.0"), "common stays at its own version");
        assertTrue(Files.readString(SCRIPT.getParent().resolve("gateway/Chart.yaml")).contains("\nversion: 0.1.0"), "the checkout is untouched");

        // What real helm then does, in the script's order: dependency update, package.
        for (String chart : SERVICES) {
            new Helm(staged.resolve(chart)).dependency().update().call();
        }
        new Helm(staged.resolve("groundwork")).dependency().update().call();
        Path packages = WORK.resolve("packages");
        Files.createDirectories(packages);
        new Helm(staged.resolve("groundwork")).packageIt().withDestination(packages).call();
        Path tgz = packages.resolve("groundwork-1.2.3.tgz");
        assertTrue(Files.isRegularFile(tgz), "packaged as groundwork-1.2.3.tgz");

        String rendered = new Helm(tgz).template().withName("groundwork").withNamespace("groundwork").withKubeVersion("1.30.0")
                .set("global.supabase.existingSecret", "acme-supabase").set("global.redis.existingSecret", "acme-redis").call();
        List<HasMetadata> fleet = RenderedObjects.parse(rendered);
        PodRules.check(fleet);
        List<Deployment> deployments = ChartTest.deployments(fleet);
        assertEquals(5, deployments.size());
        for (Deployment d : deployments) {
            String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            assertTrue(image.endsWith(":v1.2.3"), "the pipeline's image tag, from appVersion: " + image);
            assertTrue(d.getMetadata().getLabels().get("helm.sh/chart").endsWith("-1.2.3"), d.getMetadata().getLabels().toString());
        }
        Map<String, String> payment = ChartTest.values(deployments, "groundwork-payment-service");
        assertFalse(payment.containsKey("STRIPE_SECRET_KEY"), "secrets never literal");
        assertTrue(rendered.contains("name: \"groundwork-stripe\"") && rendered.contains("name: \"groundwork-auth-signing-keys\""),
                "payment's and auth's own Secrets default to their conventional names");
    }

    @Test
    void theUmbrellaAloneIsNotEnoughWhichIsWhyTheScriptExists() throws Exception {
        Path copy = WORK.resolve("umbrella-alone");
        try (Stream<Path> files = Files.walk(ChartTest.SOURCE)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(ChartTest.SOURCE.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.toString().contains("/charts/") && !file.getFileName().toString().equals("Chart.lock")) {
                    Files.copy(file, target);
                }
            }
        }
        new Helm(copy.resolve("groundwork")).dependency().update().call();
        Exception e = assertThrows(Exception.class,
                () -> new Helm(copy.resolve("groundwork")).template().withName("groundwork").call());
        assertTrue(e.getMessage().contains("common"), e.getMessage());
    }

    /** Runs package.sh with the stand-in helm; the calls it made, one line each. */
    private static List<String> packageSh(String run, String... args) throws Exception {
        Path log = WORK.resolve("helm-" + run + ".log");
        List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", WORK.resolve("bin") + ":" + System.getenv("PATH"));
        builder.environment().put("HELM_LOG", log.toString());
        builder.environment().put("STAGED", WORK.resolve("staged-" + run).toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES) && process.exitValue() == 0, "package.sh failed:\n" + output);
        List<String> calls = Files.readAllLines(log);
        if (args.length == 0) {
            return calls;
        }
        // The script stages the charts in a temporary directory (gone now); name it by the copy the stand-in kept.
        String first = calls.get(0);
        String staging = first.substring("dependency update ".length(), first.lastIndexOf('/'));
        return calls.stream().map(c -> c.replace(staging, WORK.resolve("staged-" + run).toString())).toList();
    }
}
