package dev.groundwork.payment.client;

import com.stripe.Stripe;
import com.stripe.model.Charge;
import com.stripe.model.Customer;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.EventDataClassLookup;
import com.stripe.model.Invoice;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.EventListParams;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.SubscriptionUpdateParams;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native image cannot be built here; what {@link StripeReflection} registers can be checked on the JVM: every
 * class Gson meets when it reads the objects payment-service asks Stripe for (following field types, as Gson does)
 * and every event data object, every parameter class we send, and the list type tokens.
 */
class StripeReflectionTest {

    private final StripeReflection.StripeClasses classes = StripeReflection.StripeClasses.in(StripeReflection.jarOf(Stripe.class));

    @Test
    void everyClassGsonReachesFromWhatWeReadIsRegistered() {
        List<Class<?>> roots = new ArrayList<>(List.of(Customer.class, Subscription.class, Invoice.class, Charge.class,
                Dispute.class, com.stripe.model.checkout.Session.class, com.stripe.model.billingportal.Session.class,
                Event.class, StripeCollection.class, com.stripe.model.StripeError.class));
        roots.addAll(EventDataClassLookup.classLookup.values());
        Set<String> registered = new HashSet<>(classes.mapped());
        List<String> missing = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> toVisit = new ArrayDeque<>(roots);
        while (!toVisit.isEmpty()) {
            Class<?> type = toVisit.pop();
            if (!type.getName().startsWith("com.stripe.") || !seen.add(type)) {
                continue;
            }
            if (!registered.contains(type.getName())) {
                missing.add(type.getName());
            }
            for (Class<?> c = type; c != null && c.getName().startsWith("com.stripe."); c = c.getSuperclass()) {
                toVisit.push(c);
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers()) && !Modifier.isTransient(field.getModifiers())) {
                        classesIn(field.getGenericType(), toVisit);
                    }
                }
            }
        }
        assertTrue(seen.size() > 500, "Gson's graph from our objects is large (" + seen.size() + " classes): it is why whole packages are registered");
        assertEquals(List.of(), missing, "classes Gson reaches that the native image would not reflect on");
    }

    @Test
    void theParametersWeSendAreRegisteredWithTheirNestedClasses() {
        for (Class<?> sent : List.of(CustomerCreateParams.class, CustomerUpdateParams.class, EventListParams.class,
                SubscriptionListParams.class, SubscriptionUpdateParams.class, com.stripe.param.checkout.SessionCreateParams.class,
                com.stripe.param.billingportal.SessionCreateParams.class)) {
            List<String> family = classes.params().get(sent.getName());
            assertTrue(family != null && family.contains(sent.getName()), sent + " is registered when reached");
            for (Class<?> nested : sent.getDeclaredClasses()) {
                assertTrue(family.contains(nested.getName()), nested + " is registered with " + sent.getSimpleName());
            }
        }
        assertTrue(classes.params().get("com.stripe.param.checkout.SessionCreateParams").contains(
                "com.stripe.param.checkout.SessionCreateParams$LineItem"));
    }

    @Test
    void theListTypeTokensOfTheServicesWeCallAreRegistered() throws Exception {
        for (String service : List.of("EventService", "SubscriptionService", "CustomerService")) {
            List<String> tokens = classes.typeTokens().stream().filter(name -> name.startsWith("com.stripe.service." + service + "$")).toList();
            assertTrue(!tokens.isEmpty(), service + " has TypeTokens");
            for (String token : tokens) {
                assertTrue(Class.forName(token).getGenericSuperclass() instanceof ParameterizedType, token + " carries its type argument");
            }
        }
    }

    private static void classesIn(Type type, Deque<Class<?>> into) {
        if (type instanceof Class<?> c) {
            into.push(c.isArray() ? c.getComponentType() : c);
        } else if (type instanceof ParameterizedType p) {
            classesIn(p.getRawType(), into);
            for (Type argument : p.getActualTypeArguments()) {
                classesIn(argument, into);
            }
        } else if (type instanceof WildcardType w) {
            for (Type bound : w.getUpperBounds()) {
                classesIn(bound, into);
            }
        } else if (type instanceof GenericArrayType a) {
            classesIn(a.getGenericComponentType(), into);
        }
    }
}
