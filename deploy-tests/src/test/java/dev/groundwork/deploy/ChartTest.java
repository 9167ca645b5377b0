package dev.groundwork.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
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
            assertEquals(List.of("auth-service", "payment-service", "cache-service", "monitoring-service").contains(name),
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
        assertEquals("/reports/v1/(daily|monthly)/[0-9]{4}(/.*)?", env.get("GATEWAY_ROUTES_REPORTS_PATH_PATTERN"));
        assertEquals("http://reports.acme.svc:8080", env.get("GATEWAY_ROUTES_REPORTS_UPSTREAM"));
        assertEquals("role:analyst", env.get("GATEWAY_ROUTES_REPORTS_AUTH"));
        assertEquals("60S", env.get("GATEWAY_ROUTES_REPORTS_TIMEOUT"));
        assertEquals("1M", env.get("GATEWAY_ROUTES_REPORTS_MAX_BODY_SIZE"));
        assertEquals("burst,reports", env.get("GATEWAY_ROUTES_REPORTS_RATE_LIMITS"));
        assertEquals("30S", env.get("GATEWAY_ROUTES_REPORTS_BODY_IDLE_TIMEOUT"));
        assertEquals("1K", env.get("GATEWAY_ROUTES_REPORTS_MIN_BODY_RATE"));
        assertEquals("200", env.get("GATEWAY_ROUTES_REPORTS_MAX_IN_FLIGHT"));
        assertEquals("true", env.get("GATEWAY_ROUTES_REPORTS_CACHE_ENABLED"));
        assertEquals("30S", env.get("GATEWAY_ROUTES_REPORTS_CACHE_TTL"));
        assertEquals("true", env.get("GATEWAY_ROUTES_REPORTS_CACHE_PER_USER"));
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

    /** A namespace in the values is created at start: its tokens from the platform team's Secret, its policy as env. */
    @Test
    void cacheNamespacesFromValuesBecomeEnvWithTheirTokensFromASecret() {
        Deployment cache = deployments(RenderedObjects.parse(render("cache-service", "production-values.yaml"))).get(0);
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env(cache).stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        assertTrue(env.get("CACHE_AUTH_URL").endsWith("-auth-service:8080"), env.get("CACHE_AUTH_URL"));
        assertEquals("15m", env.get("CACHE_NAMESPACES_SHOP_DEFAULT_TTL"));
        assertEquals("262144", env.get("CACHE_NAMESPACES_SHOP_MAX_VALUE_BYTES"));
        assertEquals("string,hash,keyspace,connection", env.get("CACHE_NAMESPACES_SHOP_COMMANDS"));
        assertEquals("30s", env.get("CACHE_NAMESPACES_SHOP_STALE_WHILE_REVALIDATE"));
        assertEquals("read", env.get("CACHE_NAMESPACES_SHOP_USER_ACCESS"));
        // A namespace of the entries API only: its policy, no token from a Secret.
        assertEquals("1s", env.get("CACHE_NAMESPACES_PAGES_LEASE_WAIT"));
        assertTrue(env(cache).stream().noneMatch(e -> e.getName().startsWith("CACHE_NAMESPACES_PAGES_READ_")));
        EnvVar readWrite = env(cache).stream().filter(e -> e.getName().equals("CACHE_NAMESPACES_SHOP_READ_WRITE_TOKENS")).findFirst().orElseThrow();
        assertEquals("acme-cache-shop", readWrite.getValueFrom().getSecretKeyRef().getName());
        assertEquals("read-write-token", readWrite.getValueFrom().getSecretKeyRef().getKey());
        EnvVar readOnly = env(cache).stream().filter(e -> e.getName().equals("CACHE_NAMESPACES_SHOP_READ_ONLY_TOKENS")).findFirst().orElseThrow();
        assertTrue(readOnly.getValueFrom().getSecretKeyRef().getOptional(), "a namespace may have no read-only token");
        assertTrue(env(cache).stream().noneMatch(e -> e.getName().startsWith("CACHE_NAMESPACES_") && e.getValue() != null
                && e.getName().endsWith("TOKENS")), "tokens only ever come from the Secret");
        assertTrue(render("cache-service", null).lines().noneMatch(l -> l.contains("CACHE_NAMESPACES_")), "no namespace by default");
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
        assertThrows(Exception.class, () -> render("gateway", "bad-values/route-cache-misspelled-field.yaml"));
    }

    // ---- management interface, NetworkPolicy, shutdown, public URL, registry (issue 14) ----------------

    @Test
    void healthAndMetricsLiveOnTheManagementPortWhichTheIngressNeverRoutes() {
        List<HasMetadata> fleet = RenderedObjects.parse(render(UMBRELLA, "production-values.yaml"));
        for (Deployment deployment : deployments(fleet)) {
            String id = deployment.getMetadata().getName();
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, String> env = values(deployments(fleet), id);
            assertEquals("8080", env.get("QUARKUS_HTTP_PORT"), id);
            assertEquals("9000", env.get("QUARKUS_MANAGEMENT_PORT"), id);
            assertTrue(container.getPorts().stream().anyMatch(p -> "management".equals(p.getName()) && p.getContainerPort() == 9000),
                    id + " declares the management port");
            // PodRules holds every probe to port "management"
        }
        for (Service service : objects(fleet, Service.class)) {
            ServicePort management = service.getSpec().getPorts().stream().filter(p -> p.getName().equals("management"))
                    .findFirst().orElseThrow(() -> new AssertionError(service.getMetadata().getName() + " has no management port"));
            assertEquals(9000, management.getPort());
            assertEquals("management", management.getTargetPort().getStrVal());
        }
        List<ServiceMonitor> monitors = new java.util.ArrayList<>();
        for (String chart : SERVICE_CHARTS) {
            monitors.addAll(objects(RenderedObjects.parse(render(chart, "production-values.yaml")), ServiceMonitor.class));
        }
        assertEquals(5, monitors.size(), "a ServiceMonitor per service");
        for (ServiceMonitor monitor : monitors) {
            assertEquals("management", monitor.getSpec().getEndpoints().get(0).getPort());
            assertEquals("/q/metrics", monitor.getSpec().getEndpoints().get(0).getPath());
        }
        Ingress ingress = objects(fleet, Ingress.class).get(0);
        ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
            var port = path.getBackend().getService().getPort();
            assertEquals("http", port.getName(), "the Ingress routes the HTTP port only");
            assertNull(port.getNumber());
        }));
    }

    @Test
    void networkPoliciesFollowTheTrafficMatrixAndSelectTheFleetByPartOfNotByRelease() {
        Map<String, NetworkPolicy> policies = objects(RenderedObjects.parse(render(UMBRELLA, null)), NetworkPolicy.class).stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName().replace("groundwork-", ""), p -> p));
        assertEquals(Set.copyOf(SERVICE_CHARTS), policies.keySet());
        Map<String, String> fleet = Map.of("app.kubernetes.io/part-of", "groundwork");
        Map<String, String> gateway = Map.of("app.kubernetes.io/part-of", "groundwork", "app.kubernetes.io/name", "gateway");
        Map<String, String> monitoring = Map.of("app.kubernetes.io/part-of", "groundwork", "app.kubernetes.io/name", "monitoring-service");
        for (var entry : policies.entrySet()) {
            String name = entry.getKey();
            NetworkPolicy policy = entry.getValue();
            for (LabelSelector selector : peerSelectors(policy)) {
                assertFalse(selector.getMatchLabels() != null && selector.getMatchLabels().containsKey("app.kubernetes.io/instance"),
                        name + ": a fleet selector names the release, so separately installed services could not talk");
            }
            NetworkPolicyIngressRule http = ingressTo(policy, "http");
            switch (name) {
                case "gateway" -> assertTrue(http.getFrom() == null || http.getFrom().isEmpty(), "the gateway takes traffic from anywhere");
                case "auth-service", "monitoring-service" -> assertEquals(List.of(fleet), podLabels(http.getFrom()), name + ": every fleet pod");
                default -> assertEquals(List.of(gateway), podLabels(http.getFrom()), name + ": the gateway only");
            }
            NetworkPolicyIngressRule management = ingressTo(policy, "management");
            assertTrue(podLabels(management.getFrom()).contains(monitoring), name + ": monitoring-service polls readiness");
            assertTrue(management.getFrom().stream().anyMatch(p -> p.getNamespaceSelector() != null
                    && "monitoring".equals(p.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))
                    && "prometheus".equals(p.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))),
                    name + ": Prometheus (networkPolicy.prometheus) scrapes");

            assertTrue(egressPorts(policy, null).containsAll(List.of(53)), name + ": DNS");
            assertTrue(egressPorts(policy, fleet).contains(8080), name + ": fleet pods' HTTP port");
            assertEquals(name.equals("monitoring-service"), egressPorts(policy, fleet).contains(9000), name + ": fleet pods' management port");
            assertTrue(egressPorts(policy, null).containsAll(List.of(6379, 6380)), name + ": Redis");
            boolean database = !name.equals("gateway");
            assertEquals(database, egressPorts(policy, null).containsAll(List.of(5432, 6543)), name + ": Postgres and the pooler");
            assertEquals(List.of("auth-service", "payment-service", "monitoring-service").contains(name),
                    egressPorts(policy, null).contains(443), name + ": HTTPS (IdPs, Stripe, alert webhooks)");
            assertEquals(name.equals("auth-service"), egressPorts(policy, null).contains(587), name + ": SMTP");
        }
    }

    @Test
    void authServiceEgressFollowsItsSmtpPortAndExtraEgressIsAppended() {
        NetworkPolicy moved = objects(RenderedObjects.parse(render("auth-service", null, t -> t
                .set("smtp.port", 2525)
                .set("networkPolicy.extraEgress[0].to[0].namespaceSelector.matchLabels.team", "reports")
                .set("networkPolicy.extraEgress[0].ports[0].port", 8443))), NetworkPolicy.class).get(0);
        List<Integer> out = egressPorts(moved, null);
        assertTrue(out.contains(2525) && !out.contains(587), out.toString());
        NetworkPolicyEgressRule extra = moved.getSpec().getEgress().get(moved.getSpec().getEgress().size() - 1);
        assertEquals("reports", extra.getTo().get(0).getNamespaceSelector().getMatchLabels().get("team"));
        assertEquals(8443, extra.getPorts().get(0).getPort().getIntVal());
        NetworkPolicy viaEnv = objects(RenderedObjects.parse(render("auth-service", null, t -> t
                .set("env.QUARKUS_MAILER_PORT", "465"))), NetworkPolicy.class).get(0);
        assertTrue(egressPorts(viaEnv, null).contains(465), "an env override of the mailer port moves the rule too");
    }

    @Test
    void podsShutDownGracefullyAndAnImpossibleBudgetFailsTheRender() {
        for (Deployment deployment : deployments(RenderedObjects.parse(render(UMBRELLA, null)))) {
            String id = deployment.getMetadata().getName();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertEquals(45L, pod.getTerminationGracePeriodSeconds(), id);
            assertEquals(List.of("sleep", "10"), pod.getContainers().get(0).getLifecycle().getPreStop().getExec().getCommand(), id);
            assertEquals("30s", values(List.of(deployment), id).get("QUARKUS_SHUTDOWN_TIMEOUT"), id);
        }
        Exception e = assertThrows(Exception.class, () -> render("cache-service", null, t -> t.set("shutdown.timeoutSeconds", 35)));
        assertTrue(e.getMessage().contains("shutdown.preStopSleepSeconds (10) + shutdown.timeoutSeconds (35) must be less than "
                + "shutdown.terminationGracePeriodSeconds (45)"), e.getMessage());
        Deployment longer = deployments(RenderedObjects.parse(render("cache-service", null, t -> t
                .set("shutdown.timeoutSeconds", 35).set("shutdown.terminationGracePeriodSeconds", 60)))).get(0);
        assertEquals("35s", values(List.of(longer), longer.getMetadata().getName()).get("QUARKUS_SHUTDOWN_TIMEOUT"));
    }

    @Test
    void thePublicBaseUrlReachesAuthAndMonitoringOnceAndTheEnvMapWins() {
        List<Deployment> fleet = deployments(RenderedObjects.parse(render(UMBRELLA, "production-values.yaml")));
        assertEquals("https://api.acme.example", values(fleet, "groundwork-auth-service").get("AUTH_PUBLIC_BASE_URL"));
        assertEquals("https://api.acme.example", values(fleet, "groundwork-monitoring-service").get("MONITORING_PUBLIC_BASE_URL"));
        Deployment overridden = deployments(RenderedObjects.parse(render("auth-service", null, t -> t
                .set("global.publicBaseUrl", "https://api.example.com")
                .set("env.AUTH_PUBLIC_BASE_URL", "https://id.example.com")))).get(0);
        List<EnvVar> urls = env(overridden).stream().filter(e -> e.getName().equals("AUTH_PUBLIC_BASE_URL")).toList();
        assertEquals(1, urls.size(), "one AUTH_PUBLIC_BASE_URL");
        assertEquals("https://id.example.com", urls.get(0).getValue());
        List<Deployment> defaults = deployments(RenderedObjects.parse(render(UMBRELLA, null)));
        assertNull(values(defaults, "groundwork-auth-service").get("AUTH_PUBLIC_BASE_URL"), "unset: the service's own default");
        Exception old = assertThrows(Exception.class, () -> render("auth-service", null, t -> t.set("publicBaseUrl", "https://x.example")));
        assertTrue(old.getMessage().contains("publicBaseUrl"), "the old auth-service.publicBaseUrl is refused, not ignored: " + old.getMessage());
    }

    /** The fleet's own errors: SENTRY_DSN from the Secret global.sentry names, in every service; no name, no reporting. */
    @Test
    void everyServiceGetsTheFleetsOwnDsnFromASecretOnlyWhenOneIsNamed() {
        List<Deployment> fleet = deployments(RenderedObjects.parse(render(UMBRELLA, "production-values.yaml")));
        assertEquals(5, fleet.size());
        for (Deployment deployment : fleet) {
            String id = deployment.getMetadata().getName();
            EnvVar dsn = env(deployment).stream().filter(e -> e.getName().equals("SENTRY_DSN")).findFirst()
                    .orElseThrow(() -> new AssertionError(id + " has no SENTRY_DSN"));
            assertNull(dsn.getValue(), id + ": the DSN is never a literal");
            assertEquals("acme-sentry", dsn.getValueFrom().getSecretKeyRef().getName(), id);
            assertEquals("SENTRY_DSN", dsn.getValueFrom().getSecretKeyRef().getKey(), id);
            assertNull(dsn.getValueFrom().getSecretKeyRef().getOptional(), id + ": a named Secret must hold the DSN");
            assertEquals("production", values(fleet, id).get("SENTRY_ENVIRONMENT"), id);
            assertEquals("groundwork@0.1.0", values(fleet, id).get("SENTRY_RELEASE"), id + ": the release is the image tag");
        }
        for (Deployment deployment : deployments(RenderedObjects.parse(render(UMBRELLA, null)))) {
            assertTrue(env(deployment).stream().noneMatch(e -> e.getName().startsWith("SENTRY_")),
                    deployment.getMetadata().getName() + ": no Secret named, no reporting");
        }
        Deployment monitoring = deployments(RenderedObjects.parse(render("monitoring-service", "production-values.yaml"))).get(0);
        EnvVar dsn = env(monitoring).stream().filter(e -> e.getName().equals("SENTRY_DSN")).findFirst().orElseThrow();
        assertEquals("fleet-dsn", dsn.getValueFrom().getSecretKeyRef().getKey(), "global.sentry.dsnKey");
        Map<String, String> literal = values(List.of(monitoring), monitoring.getMetadata().getName());
        assertEquals("staging", literal.get("SENTRY_ENVIRONMENT"));
        assertEquals("groundwork@0.1.0", literal.get("SENTRY_RELEASE"));
        Deployment overridden = deployments(RenderedObjects.parse(render("gateway", null, t -> t
                .set("global.sentry.existingSecret", "groundwork-sentry").set("image.tag", "v1.2.3")
                .set("env.SENTRY_ENVIRONMENT", "eu-west")))).get(0);
        assertEquals(List.of("eu-west"), env(overridden).stream().filter(e -> e.getName().equals("SENTRY_ENVIRONMENT"))
                .map(EnvVar::getValue).toList(), "the env map wins, once");
        assertEquals("groundwork@v1.2.3", values(List.of(overridden), overridden.getMetadata().getName()).get("SENTRY_RELEASE"));
    }

    /** monitoring-service's declared projects: ids as values, DSN keys only from the platform team's Secret. */
    @Test
    void monitoringServiceDeclaresTheFleetsProjectAndItsKeysFromASecret() {
        Deployment defaults = deployments(RenderedObjects.parse(render("monitoring-service", null))).get(0);
        assertEquals("1", values(List.of(defaults), defaults.getMetadata().getName()).get("MONITORING_PROJECTS_GROUNDWORK_ID"));
        assertTrue(env(defaults).stream().noneMatch(e -> e.getName().endsWith("_DSN_KEYS")), "no key without a Secret");

        Deployment production = deployments(RenderedObjects.parse(render("monitoring-service", "production-values.yaml"))).get(0);
        Map<String, String> literal = values(List.of(production), production.getMetadata().getName());
        assertEquals("1", literal.get("MONITORING_PROJECTS_GROUNDWORK_ID"));
        assertEquals("2", literal.get("MONITORING_PROJECTS_SHOP_ID"));
        // The read API's tokens: the keys of the same release's auth-service.
        assertTrue(literal.get("MONITORING_AUTH_URL").endsWith("-auth-service:8080"), literal.get("MONITORING_AUTH_URL"));
        Map<String, String> keys = new java.util.HashMap<>();
        env(production).stream().filter(e -> e.getName().endsWith("_DSN_KEYS")).forEach(e -> {
            assertNull(e.getValue(), e.getName() + " is never a literal");
            keys.put(e.getName(), e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey());
        });
        assertEquals(Map.of("MONITORING_PROJECTS_GROUNDWORK_DSN_KEYS", "acme-sentry/fleet-dsn-key",
                "MONITORING_PROJECTS_SHOP_DSN_KEYS", "acme-sentry-shop/dsn-keys"), keys);
        // Through the umbrella too.
        Map<String, String> umbrella = values(deployments(RenderedObjects.parse(render(UMBRELLA, "production-values.yaml"))),
                "groundwork-monitoring-service");
        assertEquals("1", umbrella.get("MONITORING_PROJECTS_GROUNDWORK_ID"));
        assertEquals("2", umbrella.get("MONITORING_PROJECTS_SHOP_ID"));
    }

    /**
     * Fleet health: through the umbrella, monitoring-service polls every service of the release on its management
     * port (9000, which the NetworkPolicy opens to it); a service left out leaves the list; alone, it polls nothing.
     */
    @Test
    void monitoringServicePollsTheReadinessOfEveryServiceOfTheRelease() {
        String ready = "=http://groundwork-%s:9000/q/health/ready";
        Map<String, String> umbrella = values(deployments(RenderedObjects.parse(render(UMBRELLA, null))), "groundwork-monitoring-service");
        assertEquals(String.join(",", java.util.stream.Stream.of("auth-service", "cache-service", "gateway", "monitoring-service",
                "payment-service").map(name -> name + ready.formatted(name)).toList()), umbrella.get("MONITORING_FLEET_SERVICES"));
        assertEquals("10S", umbrella.get("MONITORING_FLEET_INTERVAL"));
        assertEquals("3", umbrella.get("MONITORING_FLEET_FAILURE_THRESHOLD"));
        Map<String, String> withoutPayments = values(deployments(RenderedObjects.parse(render(UMBRELLA, "without-payments-values.yaml"))),
                "groundwork-monitoring-service");
        assertFalse(withoutPayments.get("MONITORING_FLEET_SERVICES").contains("payment-service"), withoutPayments.get("MONITORING_FLEET_SERVICES"));

        Deployment alone = deployments(RenderedObjects.parse(render("monitoring-service", null))).get(0);
        assertNull(values(List.of(alone), alone.getMetadata().getName()).get("MONITORING_FLEET_SERVICES"), "alone: idle");
        Deployment named = deployments(RenderedObjects.parse(render("monitoring-service", null, t -> t
                .set("fleet.services.reports", "http://reports.acme.svc:9000/q/health/ready").set("fleet.services.auth-service", "")))).get(0);
        assertEquals("auth-service" + ready.formatted("auth-service") + ",reports=http://reports.acme.svc:9000/q/health/ready",
                values(List.of(named), named.getMetadata().getName()).get("MONITORING_FLEET_SERVICES"));
        for (String[] bad : new String[][] {{"fleet.services.Reports", ""}, {"fleet.services.reports", "reports:9000"},
                {"fleet.services.reports", "http://a b"}, {"fleet.interval", "10 seconds"}, {"fleet.failureThreshold", "0"}}) {
            assertThrows(Exception.class, () -> render("monitoring-service", null, t -> t.set(bad[0], bad[1].equals("0") ? 0 : bad[1])),
                    String.join(" ", bad));
        }
    }

    /** Ids 1-999 are declared ones (from 1000 on the API's); a slug is what an env name can spell. */
    @Test
    void theSchemaRefusesABadProjectIdOrSlug() {
        for (Object id : List.of(0, 1000, -1, "abc")) {
            Exception e = assertThrows(Exception.class, () -> render("monitoring-service", null, t -> t.set("projects.groundwork.id", id)),
                    String.valueOf(id));
            assertTrue(e.getMessage().contains("at '/projects/groundwork/id'"), e.getMessage());
        }
        Exception noId = assertThrows(Exception.class, () -> render("monitoring-service", null, t -> t
                .set("projects.shop.existingSecret", "acme-sentry-shop")));
        assertTrue(noId.getMessage().contains("missing property 'id'"), noId.getMessage());
        Exception dash = assertThrows(Exception.class, () -> render("monitoring-service", null, t -> t.set("projects.my-shop.id", 3)));
        assertTrue(dash.getMessage().contains("my-shop"), dash.getMessage());
        Exception misspelled = assertThrows(Exception.class, () -> render("monitoring-service", null, t -> t
                .set("projects.groundwork.existingSecrets", "x")));
        assertTrue(misspelled.getMessage().contains("existingSecrets"), misspelled.getMessage());
        assertEquals(1, deployments(RenderedObjects.parse(render("monitoring-service", null, t -> t.set("projects.groundwork.id", 999)))).size());
    }

    /** monitoring-service's alert rules: settings as values, webhook URLs (secrets) only from the platform team's Secret. */
    @Test
    void monitoringServiceAlertRulesTakeTheirWebhooksFromASecret() {
        Deployment defaults = deployments(RenderedObjects.parse(render("monitoring-service", null))).get(0);
        assertTrue(env(defaults).stream().noneMatch(e -> e.getName().startsWith("MONITORING_ALERTS_")), "no rule by default");

        Deployment production = deployments(RenderedObjects.parse(render("monitoring-service", "production-values.yaml"))).get(0);
        Map<String, String> literal = values(List.of(production), production.getMetadata().getName());
        assertEquals("new-issue", literal.get("MONITORING_ALERTS_ONCALL_TRIGGER"));
        assertEquals("shop", literal.get("MONITORING_ALERTS_ONCALL_PROJECT"));
        assertEquals("production", literal.get("MONITORING_ALERTS_ONCALL_ENVIRONMENT"));
        assertEquals("100", literal.get("MONITORING_ALERTS_SPIKES_SPIKE_EVENTS"));
        assertEquals("5", literal.get("MONITORING_ALERTS_SPIKES_SPIKE_MINUTES"));
        assertEquals("1H", literal.get("MONITORING_ALERTS_SPIKES_THROTTLE"));
        assertEquals("service-down", literal.get("MONITORING_ALERTS_FLEET_TRIGGER"));
        assertNull(literal.get("MONITORING_ALERTS_FLEET_PROJECT"));
        Map<String, String> webhooks = new java.util.HashMap<>();
        env(production).stream().filter(e -> e.getName().endsWith("_WEBHOOK_URL")).forEach(e -> {
            assertNull(e.getValue(), e.getName() + " is never a literal");
            webhooks.put(e.getName(), e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey());
        });
        assertEquals(Map.of("MONITORING_ALERTS_ONCALL_WEBHOOK_URL", "acme-alerts/slack-oncall",
                "MONITORING_ALERTS_SPIKES_WEBHOOK_URL", "acme-alerts/slack-oncall",
                "MONITORING_ALERTS_FLEET_WEBHOOK_URL", "acme-alerts/webhook-url"), webhooks);

        // A URL in values is refused (it would sit in the release's history), so are an unknown trigger and a rule without a Secret.
        Exception url = assertThrows(Exception.class, () -> render("monitoring-service", null, t -> t
                .set("alerts.oncall.trigger", "new-issue").set("alerts.oncall.existingSecret", "acme-alerts")
                .set("alerts.oncall.webhookUrl", "https://hooks.slack.com/services/T/B/x")));
        assertTrue(url.getMessage().contains("webhookUrl"), url.getMessage());
        Exception trigger = assertThrows(Exception.class, () -> render("monitoring-service", null, t -> t
                .set("alerts.oncall.trigger", "page-me").set("alerts.oncall.existingSecret", "acme-alerts")));
        assertTrue(trigger.getMessage().contains("/alerts/oncall/trigger"), trigger.getMessage());
        Exception noSecret = assertThrows(Exception.class, () -> render("monitoring-service", null, t -> t.set("alerts.oncall.trigger", "new-issue")));
        assertTrue(noSecret.getMessage().contains("missing property 'existingSecret'"), noSecret.getMessage());
    }

    @Test
    void imagesComeFromTheirRegistryOrTheGlobalMirror() {
        assertEquals(List.of("registry.gitlab.com/groundwork/groundwork/gateway:0.1.0"), images(render("gateway", null, t -> t)));
        assertEquals(List.of("mirror.example.com/groundwork/groundwork/gateway:0.1.0"),
                images(render("gateway", null, t -> t.set("global.imageRegistry", "mirror.example.com"))));
        assertEquals(List.of("registry.example.com/acme/gateway:0.1.0"), images(render("gateway", "production-values.yaml")));
        assertTrue(images(render(UMBRELLA, null, t -> t.set("global.imageRegistry", "mirror.example.com")))
                .stream().allMatch(i -> i.startsWith("mirror.example.com/groundwork/groundwork/")), "the mirror for the whole fleet");
    }

    @Test
    void theIngressLetsSentryEnvelopesThrough() {
        Ingress ingress = objects(RenderedObjects.parse(render("gateway", "production-values.yaml")), Ingress.class).get(0);
        assertEquals("20m", ingress.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-body-size"));
        assertEquals("letsencrypt", ingress.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"),
                "own annotations add to the default");
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
        return render(chart, valuesFile, t -> t);
    }

    /** The same, with --set values added by {@code sets}. */
    static String render(String chart, String valuesFile, UnaryOperator<com.marcnuri.helm.TemplateCommand> sets) {
        var template = new Helm(CHARTS.resolve(chart)).template().withName("groundwork").withNamespace("groundwork")
                .withKubeVersion("1.30.0");
        if (valuesFile != null) {
            template.withValuesFile(valuesFile.startsWith("bad-values/")
                    ? Path.of("src", "test", "resources", valuesFile)
                    : SOURCE.resolve(chart).resolve("ci").resolve(valuesFile));
        }
        return sets.apply(template).call();
    }

    static <T> List<T> objects(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static List<String> images(String rendered) {
        return deployments(RenderedObjects.parse(rendered)).stream()
                .map(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).toList();
    }

    static NetworkPolicyIngressRule ingressTo(NetworkPolicy policy, String port) {
        return policy.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().stream().anyMatch(p -> port.equals(p.getPort().getStrVal())))
                .findFirst().orElseThrow(() -> new AssertionError(policy.getMetadata().getName() + ": no ingress rule for " + port));
    }

    static List<Map<String, String>> podLabels(List<NetworkPolicyPeer> peers) {
        return peers.stream().filter(p -> p.getPodSelector() != null && p.getNamespaceSelector() == null)
                .map(p -> p.getPodSelector().getMatchLabels()).toList();
    }

    /** Every pod selector of the policy's peers, in and out. */
    static List<LabelSelector> peerSelectors(NetworkPolicy policy) {
        Stream<NetworkPolicyPeer> in = policy.getSpec().getIngress().stream().flatMap(r -> Stream.ofNullable(r.getFrom()).flatMap(List::stream));
        Stream<NetworkPolicyPeer> out = policy.getSpec().getEgress().stream().flatMap(r -> Stream.ofNullable(r.getTo()).flatMap(List::stream));
        return Stream.concat(in, out).map(NetworkPolicyPeer::getPodSelector).filter(Objects::nonNull).toList();
    }

    /** The egress ports allowed to pods with exactly these labels, or (labels null) to anywhere. */
    static List<Integer> egressPorts(NetworkPolicy policy, Map<String, String> labels) {
        return policy.getSpec().getEgress().stream()
                .filter(r -> labels == null ? r.getTo() == null || r.getTo().isEmpty()
                        : r.getTo() != null && r.getTo().stream().anyMatch(p -> p.getPodSelector() != null
                        && labels.equals(p.getPodSelector().getMatchLabels())))
                .flatMap(r -> r.getPorts().stream()).map(NetworkPolicyPort::getPort).map(p -> p.getIntVal()).toList();
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
