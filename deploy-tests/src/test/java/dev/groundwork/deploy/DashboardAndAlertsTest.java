package dev.groundwork.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.groundwork.deploy.ChartTest.UMBRELLA;
import static dev.groundwork.deploy.ChartTest.objects;
import static dev.groundwork.deploy.ChartTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The umbrella chart's Grafana dashboard (a ConfigMap for Grafana's sidecar) and PrometheusRule, rendered offline.
 * That their metric names exist in the services' output is e2e FleetIT's check.
 */
class DashboardAndAlertsTest {

    @BeforeAll
    static void charts() throws Exception {
        ChartTest.copyChartsAndUpdateDependencies();
    }

    @Test
    void theDashboardIsAConfigMapThatGrafanasSidecarLoads() throws Exception {
        List<ConfigMap> maps = objects(RenderedObjects.parse(render(UMBRELLA, "production-values.yaml")), ConfigMap.class);
        assertEquals(1, maps.size(), "one dashboard ConfigMap");
        ConfigMap map = maps.get(0);
        assertEquals("1", map.getMetadata().getLabels().get("grafana_dashboard"));
        assertEquals("groundwork", map.getMetadata().getLabels().get("app.kubernetes.io/part-of"));
        assertEquals("Groundwork", map.getMetadata().getAnnotations().get("grafana_folder"));

        JsonNode dashboard = new ObjectMapper().readTree(map.getData().get("groundwork-fleet.json"));
        assertEquals("groundwork-fleet", dashboard.path("uid").asText());
        List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertEquals(List.of("datasource", "namespace", "service"), variables);
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            String title = panel.path("title").asText();
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title + " uses the variable");
            assertFalse(panel.path("targets").isEmpty(), title + " has no query");
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertTrue(expr.contains("namespace=\"$namespace\"") && expr.contains("service=~\"$service\""),
                        title + " follows the namespace and service variables: " + expr);
                queries++;
            }
        }
        assertTrue(queries >= 20, "panels with their queries: " + queries);
    }

    @Test
    void theDashboardsLabelIsConfigurable() {
        ConfigMap map = objects(RenderedObjects.parse(render(UMBRELLA, null, t -> t
                .set("metrics.grafanaDashboard.enabled", true)
                .set("metrics.grafanaDashboard.labelKey", "dashboards")
                .set("metrics.grafanaDashboard.labelValue", "groundwork")
                .set("metrics.grafanaDashboard.namespace", "grafana"))), ConfigMap.class).get(0);
        assertEquals("groundwork", map.getMetadata().getLabels().get("dashboards"));
        assertFalse(map.getMetadata().getLabels().containsKey("grafana_dashboard"));
        assertEquals("grafana", map.getMetadata().getNamespace());
    }

    @Test
    void theAlertsAreAPrometheusRuleWithSeverityDurationAndARunbookThatExists() throws Exception {
        List<PrometheusRule> found = objects(RenderedObjects.parse(render(UMBRELLA, "production-values.yaml")), PrometheusRule.class);
        assertEquals(1, found.size(), "one PrometheusRule");
        PrometheusRule rule = found.get(0);
        assertEquals("prometheus", rule.getMetadata().getLabels().get("release"), "the labels Prometheus' ruleSelector wants");
        Set<String> runbookAnchors = DocsLinksTest.anchors(Files.readString(Path.of("..", "docs", "runbooks.md")));
        List<String> alerts = new ArrayList<>();
        for (var group : rule.getSpec().getGroups()) {
            assertFalse(group.getRules().isEmpty(), group.getName());
            for (Rule alert : group.getRules()) {
                String name = alert.getAlert();
                alerts.add(name);
                assertFalse(alert.getExpr().getStrVal().isBlank(), name + " expr");
                assertTrue(alert.getFor() != null && alert.getFor().matches("\\d+[smh]"), name + " for: " + alert.getFor());
                assertTrue(Set.of("warning", "critical").contains(alert.getLabels().get("severity")), name + " severity");
                assertFalse(alert.getAnnotations().getOrDefault("summary", "").isBlank(), name + " summary");
                assertFalse(alert.getAnnotations().getOrDefault("description", "").isBlank(), name + " description");
                String runbook = alert.getAnnotations().get("runbook_url");
                String prefix = "https://gitlab.com/groundwork/groundwork/-/blob/main/docs/runbooks.md#";
                assertTrue(runbook.startsWith(prefix), name + " runbook_url " + runbook);
                assertTrue(runbookAnchors.contains(runbook.substring(prefix.length())), name + ": no section " + runbook + " in docs/runbooks.md");
            }
        }
        assertTrue(alerts.containsAll(List.of("GroundworkTargetDown", "GroundworkHighErrorRate", "GroundworkHighLatency",
                "GroundworkEventOutboxBacklogGrowing", "GroundworkEventConsumerLagGrowing", "GroundworkDeadLetters",
                "GroundworkCircuitBreakerOpen")), alerts.toString());
    }

    @Test
    void runbooksFollowTheDocsUrlValue() {
        PrometheusRule rule = objects(RenderedObjects.parse(render(UMBRELLA, null, t -> t
                .set("metrics.prometheusRule.enabled", true)
                .set("metrics.prometheusRule.docsUrl", "https://docs.acme.example/groundwork/"))), PrometheusRule.class).get(0);
        assertEquals("https://docs.acme.example/groundwork/runbooks.md#groundworkdeadletters", rule.getSpec().getGroups().stream()
                .flatMap(g -> g.getRules().stream()).filter(r -> r.getAlert().equals("GroundworkDeadLetters")).findFirst()
                .orElseThrow().getAnnotations().get("runbook_url"));
    }

    @Test
    void bothAreOffByDefaultAndAMisspelledKeyIsRefused() {
        List<HasMetadata> defaults = RenderedObjects.parse(render(UMBRELLA, null));
        assertTrue(objects(defaults, PrometheusRule.class).isEmpty(), "no PrometheusRule by default");
        assertTrue(objects(defaults, ConfigMap.class).isEmpty(), "no dashboard by default");
        Exception e = assertThrows(Exception.class, () -> render(UMBRELLA, null, t -> t.set("metrics.prometheusRule.enable", true)));
        assertTrue(e.getMessage().contains("enable"), e.getMessage());
    }
}
