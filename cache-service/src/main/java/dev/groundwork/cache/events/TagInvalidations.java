package dev.groundwork.cache.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.groundwork.cache.config.CacheConfig;
import dev.groundwork.cache.service.Entries;
import dev.groundwork.entrycache.EntryCache;
import dev.groundwork.events.Event;
import dev.groundwork.events.quarkus.EventSubscription;
import io.quarkus.logging.Log;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Event-driven invalidation ({@code cache.invalidations.*}): an event of a mapped type invalidates the mapping's
 * tags, filled from the event, in every namespace or the ones named. Invalidating twice changes nothing, so a
 * redelivered event is harmless; libs/events records the processed ones in Redis.
 */
abstract class TagInvalidations implements EventSubscription {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(subject|data\\.[A-Za-z0-9_]+)}");

    @Inject
    CacheConfig config;
    @Inject
    Entries entries;

    /** The producer whose stream this reads ({@code events:<producer>}). */
    abstract String producer();

    @Override
    public String stream() {
        return "events:" + producer();
    }

    @Override
    public Set<String> types() {
        return mappings().stream().map(CacheConfig.Invalidation::eventType).collect(Collectors.toSet());
    }

    @Override
    public void handle(Event event, EffectScope scope) {
        for (CacheConfig.Invalidation mapping : mappings()) {
            if (!mapping.eventType().equals(event.type())) {
                continue;
            }
            for (String template : mapping.tags()) {
                String tag = fill(template, event);
                if (tag == null) {
                    Log.warnf("Event %s (%s) has nothing for a placeholder of tag %s: not invalidated", event.id(), event.type(), template);
                    continue;
                }
                EntryCache.checkTags(List.of(tag));
                long removed = entries.invalidateTagEverywhere(tag, mapping.namespaces().orElse(null));
                Log.debugf("Event %s (%s) invalidated tag %s: %d entries", event.id(), event.type(), tag, removed);
            }
        }
    }

    private List<CacheConfig.Invalidation> mappings() {
        String wanted = "dev.groundwork." + producer() + ".";
        return config.invalidations().values().stream().filter(m -> m.eventType().startsWith(wanted)).toList();
    }

    /** The tag with its placeholders filled, or null when the event lacks one of them. */
    static String fill(String template, Event event) {
        Matcher placeholder = PLACEHOLDER.matcher(template);
        StringBuilder tag = new StringBuilder();
        while (placeholder.find()) {
            String name = placeholder.group(1);
            String value;
            if ("subject".equals(name)) {
                value = event.subject();
            } else {
                JsonNode field = event.data() == null ? null : event.data().get(name.substring("data.".length()));
                value = field == null || field.isNull() || field.isContainerNode() ? null : field.asText();
            }
            if (value == null || value.isEmpty()) {
                return null;
            }
            placeholder.appendReplacement(tag, Matcher.quoteReplacement(value));
        }
        placeholder.appendTail(tag);
        return tag.toString();
    }
}
