package dev.groundwork.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The charts, checked without a cluster: {@code helm lint --strict}, {@code helm template} with the defaults and
 * every {@code ci/*-values.yaml}, each rendered object parsed strictly and held to {@link PodRules}.
 */
class ChartTest {

    static final List<String> SERVICE_CHARTS = List.of("gateway", "auth-service", "payment-service",
            "cache-service", "monitoring-service");
    static final String UMBRELLA = "groundwork";
    static final Path SOURCE = Path.of("..", "helm");
    /** A copy, so that `helm dependency update` never writes into the source tree. */
    static final Path CHARTS = Path.of("target", "helm");

    @BeforeAll
    static void copyChartsAndUpdateDependencies() throws IOException {
        DeployFiles.deleteRecursively(CHARTS);
        try (Stream<Path> files = Files.walk(SOURCE)) {
            for (Path file : files.toList()) {
                Path copy = CHARTS.resolve(SOURCE.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else if (!file.toString().contains("/charts/") && !file.getFileName().toString().equals("Chart.lock")) {
                    Files.copy(file, copy);
                }
            }
        }
        for (String chart : SERVICE_CHARTS) {
            new Helm(CHARTS.resolve(chart)).dependency().update().call();
        }
        new Helm(CHARTS.resolve(UMBRELLA)).dependency().update().call();
    }

    static Stream<String> allCharts() {
        return Stream.concat(Stream.of("common", UMBRELLA), SERVICE_CHARTS.stream());
    }

    /** Each application chart with its defaults (null) and with each of its ci/*-values.yaml. */
    static Stream<Arguments> renderings() throws IOException {
        List<Arguments> renderings = new java.util.ArrayList<>();
        for (String chart : Stream.concat(SERVICE_CHARTS.stream(), Stream.of(UMBRELLA)).toList()) {
            renderings.add(Arguments.of(chart, null));
            try (Stream<Path> ci = Files.list(SOURCE.resolve(chart).resolve("ci"))) {
                ci.filter(p -> p.getFileName().toString().endsWith("-values.yaml")).sorted()
                        .forEach(p -> renderings.add(Arguments.of(chart, p.getFileName().toString())));
            }
        }
        return renderings.stream();
    }

    @ParameterizedTest(name = "helm lint --strict {0}")
    @MethodSource("allCharts")
    void lintsStrictly(String chart) {
        LintResult lint = new Helm(CHARTS.resolve(chart)).lint().strict().quiet().call();
        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("renderings")
    void rendersValidObjectsThatPassThePodRules(String chart, String valuesFile) {
        List<HasMetadata> objects = RenderedObjects.parse(render(chart, valuesFile));
        PodRules.check(objects);
        long deployments = objects.stream().filter(o -> o instanceof Deployment).count();
        long expected = chart.equals(UMBRELLA) ? ("without-payments-values.yaml".equals(valuesFile) ? 4 : 5) : 1;
        assertEquals(expected, deployments, "Deployments rendered");
    }

    @Test
    void servicesWithASchemaGetTheSupabaseSecretAndTheOthersDoNot() {
        List<HasMetadata> fleet = RenderedObjects.parse(render(UMBRELLA, null));
        for (Deployment deployment : deployments(fleet)) {
            String name = deployment.getMetadata().getLabels().get("app.kubernetes.io/name");
            List<String> env = env(deployment).stream().map(EnvVar::getName).toList();
            assertTrue(env.contains("REDIS_URL"), name + " gets REDIS_URL");
            assertEquals(List.of("auth-service", "payment-service", "monitoring-service").contains(name),
                    env.contains("SUPABASE_DB_URL"), name + " and SUPABASE_DB_URL");
            env(deployment).stream().filter(e -> e.getName().equals("REDIS_URL")).forEach(e -> {
                assertEquals("groundwork-redis", e.getValueFrom().getSecretKeyRef().getName());
                assertEquals("REDIS_URL", e.getValueFrom().getSecretKeyRef().getKey());
            });
        }
    }

    @Test
    void umbrellaGlobalsNameTheSecretsOfEveryService() {
        List<HasMetadata> fleet = RenderedObjects.parse(render(UMBRELLA, "production-values.yaml"));
        for (Deployment deployment : deployments(fleet)) {
            env(deployment).stream().filter(e -> e.getName().equals("REDIS_URL")).forEach(e ->
                    assertEquals("acme-redis", e.getValueFrom().getSecretKeyRef().getName()));
            env(deployment).stream().filter(e -> e.getName().startsWith("SUPABASE_DB_")).forEach(e ->
                    assertEquals("acme-supabase", e.getValueFrom().getSecretKeyRef().getName()));
        }
        Ingress ingress = (Ingress) fleet.stream().filter(o -> o instanceof Ingress).findFirst().orElseThrow();
        assertEquals("acme-api-tls", ingress.getSpec().getTls().get(0).getSecretName());
        assertEquals("groundwork-gateway", ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0)
                .getBackend().getService().getName());
        assertTrue(fleet.stream().anyMatch(o -> o instanceof ServiceMonitor), "ServiceMonitor parsed as its own type");
    }

    @Test
    void gatewayFindsTheServicesOfItsRelease() {
        List<HasMetadata> fleet = RenderedObjects.parse(render(UMBRELLA, null));
        Deployment gateway = deployments(fleet).stream()
                .filter(d -> d.getMetadata().getName().equals("groundwork-gateway")).findFirst().orElseThrow();
        EnvVar auth = env(gateway).stream().filter(e -> e.getName().equals("GATEWAY_UPSTREAMS_AUTH")).findFirst().orElseThrow();
        assertEquals("http://groundwork-auth-service:8080", auth.getValue());
        assertTrue(fleet.stream().anyMatch(o -> o.getKind().equals("Service")
                && o.getMetadata().getName().equals("groundwork-auth-service")));
    }

    @Test
    void gatewayRoutesAndPoliciesFromValuesBecomeItsEnv() {
        Deployment gateway = deployments(RenderedObjects.parse(render("gateway", "production-values.yaml"))).get(0);
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env(gateway).stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        assertEquals("/reports/v1", env.get("GATEWAY_ROUTES_REPORTS_PREFIX"));
        assertEquals("http://reports.acme.svc:8080", env.get("GATEWAY_ROUTES_REPORTS_UPSTREAM"));
        assertEquals("role:analyst", env.get("GATEWAY_ROUTES_REPORTS_AUTH"));
        assertEquals("60S", env.get("GATEWAY_ROUTES_REPORTS_TIMEOUT"));
        assertEquals("1M", env.get("GATEWAY_ROUTES_REPORTS_MAX_BODY_SIZE"));
        assertEquals("burst,reports", env.get("GATEWAY_ROUTES_REPORTS_RATE_LIMITS"));
        assertEquals("30S", env.get("GATEWAY_ROUTES_REPORTS_BODY_IDLE_TIMEOUT"));
        assertEquals("1K", env.get("GATEWAY_ROUTES_REPORTS_MIN_BODY_RATE"));
        assertEquals("200", env.get("GATEWAY_ROUTES_REPORTS_MAX_IN_FLIGHT"));
        assertEquals("64", env.get("GATEWAY_ROUTES_STRIPE_WEBHOOK_MAX_IN_FLIGHT"));
        assertEquals("false", env.get("GATEWAY_ROUTES_MONITORING_DASHBOARD_ENABLED"));
        assertEquals("30", env.get("GATEWAY_RATE_LIMITS_REPORTS_LIMIT"));
        assertEquals("60S", env.get("GATEWAY_RATE_LIMITS_REPORTS_WINDOW"));
        assertEquals("10.0.0.0/8", env.get("GATEWAY_TRUSTED_PROXIES"));
        assertEquals("https://app.acme.example", env.get("GATEWAY_CORS_ORIGINS"));
        assertEquals("true", env.get("GATEWAY_RATE_LIMIT_FAIL_OPEN"));
    }

    @Test
    void paymentPlansRedirectOriginsAndTheAuthServiceOfTheReleaseBecomeItsEnv() {
        Deployment payment = deployments(RenderedObjects.parse(render("payment-service", "production-values.yaml"))).get(0);
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env(payment).stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        assertEquals("price_1PgafmB7WZ01zgkW6dKueIc5,price_1PgafmB7WZ01zgkWyearly", env.get("PAYMENT_PLANS_PRO_PRICES"));
        assertEquals("api.calls.100k,seats.10", env.get("PAYMENT_PLANS_PRO_ENTITLEMENTS"));
        assertEquals("price_1PgafmB7WZ01zgkWteam", env.get("PAYMENT_PLANS_TEAM_PRICES"));
        assertEquals("https://app.acme.example", env.get("PAYMENT_REDIRECT_ORIGINS"));
        assertTrue(env.get("PAYMENT_AUTH_URL").endsWith("-auth-service:8080"), env.get("PAYMENT_AUTH_URL"));
        assertTrue(env(payment).stream().anyMatch(e -> e.getName().equals("STRIPE_SECRET_KEY") && e.getValueFrom().getSecretKeyRef() != null),
                "the Stripe key comes from a Secret");
    }

    @Test
    void authServiceTakesTheFirstAdminFromItsSecretOnlyWhenOneIsNamed() {
        List<EnvVar> named = env(deployments(RenderedObjects.parse(render("auth-service", "production-values.yaml"))).get(0));
        java.util.Map<String, String> keys = new java.util.HashMap<>();
        named.stream().filter(e -> e.getName().startsWith("AUTH_BOOTSTRAP_ADMIN_")).forEach(e -> {
            assertNull(e.getValue(), e.getName() + " is never a literal");
            assertEquals("acme-auth-first-admin", e.getValueFrom().getSecretKeyRef().getName());
            keys.put(e.getName(), e.getValueFrom().getSecretKeyRef().getKey());
        });
        assertEquals(java.util.Map.of("AUTH_BOOTSTRAP_ADMIN_EMAIL", "AUTH_BOOTSTRAP_ADMIN_EMAIL",
                "AUTH_BOOTSTRAP_ADMIN_PASSWORD", "password"), keys);
        List<HasMetadata> defaults = RenderedObjects.parse(render("auth-service", null));
        assertTrue(env(deployments(defaults).get(0)).stream().noneMatch(e -> e.getName().startsWith("AUTH_BOOTSTRAP_ADMIN_")),
                "no first admin without a Secret");
    }

    @Test
    void productionValuesTellTheGatewayAndAuthServiceWhichProxiesToBelieve() {
        List<HasMetadata> fleet = RenderedObjects.parse(render(UMBRELLA, "production-values.yaml"));
        java.util.Map<String, String> gateway = values(deployments(fleet), "groundwork-gateway");
        java.util.Map<String, String> auth = values(deployments(fleet), "groundwork-auth-service");
        assertEquals("10.244.0.0/16,203.0.113.0/28", gateway.get("GATEWAY_TRUSTED_PROXIES"));
        assertEquals("10.244.0.0/16,203.0.113.0/28", auth.get("AUTH_TRUSTED_PROXIES"));
        // auth-service walks X-Forwarded-For past the gateway and every hop the gateway believed, so it trusts them all
        List<String> authTrusts = List.of(auth.get("AUTH_TRUSTED_PROXIES").split(","));
        for (String hop : gateway.get("GATEWAY_TRUSTED_PROXIES").split(",")) {
            assertTrue(authTrusts.contains(hop), "auth-service trusts " + hop + " too");
        }
        Exception name = assertThrows(Exception.class, () -> render("auth-service", "bad-values/trusted-proxy-name.yaml"));
        assertTrue(name.getMessage().contains("trustedProxies"), name.getMessage());
    }

    @Test
    void aGatewayRouteIdWithADashOrAnUnknownFieldIsRefusedByTheSchema() {
        // An env var could not say where a new id with a dash ends; a misspelled field would be silently ignored.
        assertThrows(Exception.class, () -> render("gateway", "bad-values/route-id-with-dash.yaml"));
        assertThrows(Exception.class, () -> render("gateway", "bad-values/route-misspelled-field.yaml"));
        assertThrows(Exception.class, () -> render("gateway", "bad-values/route-max-in-flight-zero.yaml"));
    }

    // ---- a broken chart must fail the checks ----------------------------------------------------------

    @Test
    void missingSecretNameFailsToRenderWithAClearMessage() {
        Exception e = assertThrows(Exception.class, () -> render("payment-service", "bad-values/no-redis-secret.yaml"));
        assertTrue(e.getMessage().contains("global.redis.existingSecret is required: the name of the Secret that holds REDIS_URL"),
                e.getMessage());
        Exception stripe = assertThrows(Exception.class, () -> render("payment-service", "bad-values/no-stripe-secret.yaml"));
        assertTrue(stripe.getMessage().contains("stripe.existingSecret is required"), stripe.getMessage());
    }

    @Test
    void misspelledValueIsRejectedByTheSchema() {
        Exception e = assertThrows(Exception.class, () -> render("auth-service", "bad-values/misspelled-key.yaml"));
        assertTrue(e.getMessage().contains("replicaCuont"), e.getMessage());
    }

    @Test
    void latestImageTagIsRefused() {
        Exception e = assertThrows(Exception.class, () -> render("cache-service", "bad-values/latest-tag.yaml"));
        assertTrue(e.getMessage().contains("latest"), e.getMessage());
    }

    @Test
    void unsafeSecurityContextIsCaughtByThePodRules() {
        List<HasMetadata> objects = RenderedObjects.parse(render("gateway", "bad-values/writable-root.yaml"));
        AssertionError failure = assertThrows(AssertionError.class, () -> PodRules.check(objects));
        assertTrue(failure.getMessage().contains("root filesystem must be read-only"), failure.getMessage());
    }

    @Test
    void unknownKubernetesFieldIsCaughtByTheStrictParse() {
        String rendered = render("cache-service", null).replace("revisionHistoryLimit: 5", "revisionHistoryLimit: 5\n  replicaz: 3");
        AssertionError failure = assertThrows(AssertionError.class, () -> RenderedObjects.parse(rendered));
        assertTrue(failure.getMessage().contains("replicaz"), failure.getMessage());
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** `helm template groundwork <chart> -n groundwork [-f values]`; a values file is ci/… of the chart or bad-values/…. */
    static String render(String chart, String valuesFile) {
        var template = new Helm(CHARTS.resolve(chart)).template().withName("groundwork").withNamespace("groundwork")
                .withKubeVersion("1.30.0");
        if (valuesFile != null) {
            template.withValuesFile(valuesFile.startsWith("bad-values/")
                    ? Path.of("src", "test", "resources", valuesFile)
                    : SOURCE.resolve(chart).resolve("ci").resolve(valuesFile));
        }
        return template.call();
    }

    static List<Deployment> deployments(List<HasMetadata> objects) {
        return objects.stream().filter(o -> o instanceof Deployment).map(o -> (Deployment) o).toList();
    }

    /** The literal env values of the Deployment with this name. */
    static java.util.Map<String, String> values(List<Deployment> deployments, String name) {
        Deployment deployment = deployments.stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst().orElseThrow();
        java.util.Map<String, String> values = new java.util.HashMap<>();
        env(deployment).stream().filter(e -> e.getValue() != null).forEach(e -> values.put(e.getName(), e.getValue()));
        return values;
    }

    static List<EnvVar> env(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    }
}
