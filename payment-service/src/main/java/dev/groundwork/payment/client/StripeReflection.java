package dev.groundwork.payment.client;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeReflection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;

/**
 * Registers for the native image what stripe-java reads and writes with Gson by reflection; named by
 * {@code quarkus.native.additional-build-args} ({@code --features}), it runs only in the native build.
 * <p>
 * Gson builds an adapter from a class's declared fields and constructor, and builds one for every field's type in turn:
 * a Subscription reaches Customer, Invoice, PaymentMethod, Discount and on, and the events Reconciliation lists carry
 * any object ({@code EventDataClassLookup} maps each type to its class). A list of the classes we use would be that
 * whole graph and would go stale with each upgrade of stripe-java, so the classes are read from the jar at build time:
 * <ul>
 *   <li>all of {@code com.stripe.model} and {@code com.stripe.net}, nested classes and subpackages included (the
 *   models, their enums, and the TypeAdapters Gson instantiates from {@code @JsonAdapter});</li>
 *   <li>a request-parameter class of {@code com.stripe.param} with its nested classes, only when our code reaches it
 *   (we build those objects, Gson writes them into the form body): there are thousands and we use a handful;</li>
 *   <li>the anonymous {@code TypeToken} subclasses of {@code com.stripe.service}, whose generic superclass tells Gson
 *   the element type of a list ({@code StripeCollection<Event>}).</li>
 * </ul>
 * Only fields and constructors: stripe-java reflects on nothing else ({@code StripeObject} reads the field {@code id}).
 */
public final class StripeReflection implements Feature {

    @Override
    public String getDescription() {
        return "Registers stripe-java's Gson-mapped classes for reflection";
    }

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        StripeClasses classes = StripeClasses.in(jarOf(access.findClassByName("com.stripe.Stripe")));
        for (String name : classes.mapped()) {
            registerFieldsAndConstructors(access.findClassByName(name));
        }
        for (String name : classes.typeTokens()) {
            Class<?> token = access.findClassByName(name);
            if (token != null) {
                RuntimeReflection.register(token);
            }
        }
        classes.params().forEach((topLevel, family) -> {
            Class<?> reached = access.findClassByName(topLevel);
            if (reached != null) {
                access.registerReachabilityHandler(
                        duringAnalysis -> family.forEach(name -> registerFieldsAndConstructors(duringAnalysis.findClassByName(name))), reached);
            }
        });
    }

    private static void registerFieldsAndConstructors(Class<?> type) {
        if (type == null) {
            return;
        }
        RuntimeReflection.register(type);
        RuntimeReflection.register(type.getDeclaredConstructors());
        RuntimeReflection.register(type.getDeclaredFields());
    }

    static Path jarOf(Class<?> stripe) {
        try {
            return Path.of(stripe.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate stripe-java's jar", e);
        }
    }

    /**
     * The class names of stripe-java's jar that need registering, by kind.
     *
     * @param mapped     every class of {@code com.stripe.model} and {@code com.stripe.net}
     * @param typeTokens the anonymous classes of {@code com.stripe.service}
     * @param params     each top-level class of {@code com.stripe.param} with itself and its nested classes
     */
    record StripeClasses(List<String> mapped, List<String> typeTokens, Map<String, List<String>> params) {

        static StripeClasses in(Path jar) {
            List<String> mapped = new ArrayList<>();
            List<String> typeTokens = new ArrayList<>();
            Map<String, List<String>> params = new TreeMap<>();
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream().map(entry -> entry.getName()).filter(name -> name.endsWith(".class")).forEach(path -> {
                    String name = path.substring(0, path.length() - ".class".length()).replace('/', '.');
                    if (name.startsWith("com.stripe.model.") || name.startsWith("com.stripe.net.")) {
                        mapped.add(name);
                    } else if (name.startsWith("com.stripe.service.") && name.matches(".*\\$\\d+")) {
                        typeTokens.add(name);
                    } else if (name.startsWith("com.stripe.param.")) {
                        int nested = name.indexOf('$');
                        params.computeIfAbsent(nested < 0 ? name : name.substring(0, nested), topLevel -> new ArrayList<>()).add(name);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read stripe-java's jar " + jar, e);
            }
            return new StripeClasses(Collections.unmodifiableList(mapped), Collections.unmodifiableList(typeTokens),
                    Collections.unmodifiableMap(params));
        }
    }
}
