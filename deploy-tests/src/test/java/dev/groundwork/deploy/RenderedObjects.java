package dev.groundwork.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Parses `helm template` output strictly with the fabric8 Kubernetes model. */
final class RenderedObjects {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private RenderedObjects() {
    }

    /**
     * Every YAML document as a typed Kubernetes object. A wrong type throws; a field the model does not know
     * (which fabric8 would keep quietly in additionalProperties) fails too, naming the field.
     */
    static List<HasMetadata> parse(String renderedYaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : renderedYaml.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                continue;
            }
            KubernetesResource parsed = SERIALIZATION.unmarshal(document);
            if (!(parsed instanceof HasMetadata object)) {
                throw new AssertionError("not a Kubernetes object:\n" + document);
            }
            List<String> unknown = new ArrayList<>();
            collectUnknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError("fields the Kubernetes model does not know: " + unknown);
            }
            objects.add(object);
        }
        return objects;
    }

    private static void collectUnknownFields(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || Modifier.isStatic(getter.getModifiers()) || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue; // derived getters (e.g. a Quantity's numerical amount) may refuse; the field itself parsed
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + " " + extra.keySet());
                }
            } else if (child != value) {
                collectUnknownFields(child, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }
}
