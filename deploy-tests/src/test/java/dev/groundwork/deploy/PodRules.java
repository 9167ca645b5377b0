package dev.groundwork.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules every rendered Groundwork object must pass (the lint rules a cluster admission check would apply). */
final class PodRules {

    static final List<String> STANDARD_LABELS = List.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
            "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of", "helm.sh/chart");

    /** Env vars whose values carry credentials: they may only come from a Secret. */
    static final Set<String> SECRET_ENV = Set.of("REDIS_URL", "SUPABASE_DB_URL", "SUPABASE_DB_USER",
            "SUPABASE_DB_PASSWORD", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRETS", "AUTH_SIGNING_KEYS");
    static final Pattern SECRET_LOOKING_NAME = Pattern.compile(".*(SECRET|PASSWORD|PRIVATE|TOKEN|_KEYS?)$");

    private PodRules() {
    }

    static void check(List<HasMetadata> objects) {
        assertFalse(objects.isEmpty(), "the chart rendered nothing");
        for (HasMetadata object : objects) {
            String id = object.getKind() + "/" + object.getMetadata().getName();
            assertFalse(object.getKind().equals("Secret"), id + ": charts create no Secrets, they name existing ones");
            Map<String, String> labels = object.getMetadata().getLabels();
            assertNotNull(labels, id + " has no labels");
            for (String label : STANDARD_LABELS) {
                assertTrue(labels.containsKey(label), id + " lacks the label " + label);
            }
            if (object instanceof Deployment deployment) {
                checkDeployment(id, deployment, objects);
            }
        }
    }

    private static void checkDeployment(String id, Deployment deployment, List<HasMetadata> objects) {
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), id + ": selector does not match the pod labels");
        assertEquals(Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance"), selector.keySet(),
                id + ": the selector must stay name+instance (it is immutable)");

        boolean autoscaled = objects.stream().anyMatch(o -> o instanceof HorizontalPodAutoscaler hpa
                && hpa.getSpec().getScaleTargetRef().getName().equals(deployment.getMetadata().getName()));
        if (autoscaled) {
            assertNull(deployment.getSpec().getReplicas(), id + ": replicas must be left to the HPA");
        }
        boolean served = objects.stream().anyMatch(o -> o instanceof Service s
                && podLabels.entrySet().containsAll(s.getSpec().getSelector().entrySet()));
        assertTrue(served, id + ": no Service selects its pods");

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), id + ": pod must run as non-root");
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), id + ": seccomp");
        Volume tmp = pod.getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst()
                .orElseThrow(() -> new AssertionError(id + ": no tmp volume"));
        assertNotNull(tmp.getEmptyDir(), id + ": /tmp must be an emptyDir");

        for (Container container : pod.getContainers()) {
            String c = id + "/" + container.getName();
            var security = container.getSecurityContext();
            assertNotNull(security, c + ": no securityContext");
            assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem(), c + ": root filesystem must be read-only");
            assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation(), c + ": privilege escalation must be off");
            assertEquals(Boolean.TRUE, security.getRunAsNonRoot(), c + ": must run as non-root");
            assertTrue(security.getCapabilities() != null && security.getCapabilities().getDrop().contains("ALL"),
                    c + ": must drop ALL capabilities");
            assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")
                    && m.getName().equals("tmp")), c + ": /tmp must be mounted from the emptyDir");

            String image = container.getImage();
            String tag = image.substring(image.lastIndexOf(':') + 1);
            assertTrue(image.contains(":") && !tag.contains("/") && !tag.isBlank(), c + ": image without a tag: " + image);
            assertFalse(tag.equals("latest"), c + ": image tag latest");

            for (String resource : List.of("cpu", "memory")) {
                assertNotNull(container.getResources().getRequests().get(resource), c + ": no " + resource + " request");
                assertNotNull(container.getResources().getLimits().get(resource), c + ": no " + resource + " limit");
            }
            checkProbe(c, "startup", container.getStartupProbe(), "/q/health/started");
            checkProbe(c, "liveness", container.getLivenessProbe(), "/q/health/live");
            checkProbe(c, "readiness", container.getReadinessProbe(), "/q/health/ready");

            assertTrue(container.getEnvFrom() == null || container.getEnvFrom().isEmpty(),
                    c + ": envFrom would import whole Secrets; use secretKeyRef per key");
            for (EnvVar env : container.getEnv()) {
                boolean secret = SECRET_ENV.contains(env.getName()) || SECRET_LOOKING_NAME.matcher(env.getName()).matches();
                if (secret) {
                    assertNull(env.getValue(), c + ": " + env.getName() + " has a literal value; it must come from a Secret");
                    assertTrue(env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null,
                            c + ": " + env.getName() + " must come from a secretKeyRef");
                }
            }
        }
    }

    private static void checkProbe(String container, String kind, Probe probe, String path) {
        assertNotNull(probe, container + ": no " + kind + " probe");
        assertEquals(path, probe.getHttpGet().getPath(), container + ": " + kind + " probe path");
        assertEquals("management", probe.getHttpGet().getPort().getStrVal(),
                container + ": " + kind + " probe must use the management port (health lives on the management interface)");
    }
}
