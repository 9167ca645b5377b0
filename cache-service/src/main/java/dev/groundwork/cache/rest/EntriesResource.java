package dev.groundwork.cache.rest;

import dev.groundwork.cache.service.ApiErrors;
import dev.groundwork.cache.service.Entries;
import dev.groundwork.entrycache.Entry;
import dev.groundwork.entrycache.Lookup;
import dev.groundwork.http.CachingHeaders;
import dev.groundwork.http.Problem;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Cache entries for apps and services (docs/cache-service.md, "Entries"): GET/HEAD/PUT/DELETE of one key with
 * HTTP's own caching headers, a batch read, and invalidation by tag or prefix. A service account token with the
 * scope {@code cache:<ns>}, the admin role, or a user token where the namespace allows users.
 */
@Path("/cache/v1/namespaces/{ns}")
@Authenticated
public class EntriesResource {

    /** RFC 9211's name of this cache in {@code Cache-Status}. */
    static final String CACHE_NAME = "groundwork-cache";
    /** The lease a miss or a stale hit hands out, and that a fill sends back. */
    static final String LEASE_HEADER = "Cache-Lease";
    /** Tags of an entry, comma-separated (as CDNs name them). */
    static final String TAGS_HEADER = "Cache-Tag";
    private static final String ONLY_IF_CACHED = "only-if-cached";

    @Inject
    Entries entries;
    @Inject
    SecurityIdentity caller;

    public record BatchGet(List<String> keys) {
    }

    /** One key of a batch read: the value as UTF-8 text when it is, else base64. */
    public record BatchEntry(String key, String status, String value, String encoding, String contentType, String etag, Long age,
                             List<String> tags) {
    }

    public record Invalidation(List<String> tags, String prefix) {
    }

    @GET
    @Path("entries/{key: .+}")
    public Uni<Response> get(@PathParam("ns") String ns, @PathParam("key") String key,
                             @HeaderParam(HttpHeaders.CACHE_CONTROL) String cacheControl,
                             @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        boolean onlyIfCached = CacheControl.of(cacheControl).has(ONLY_IF_CACHED);
        return entries.get(entries.grant(ns, caller), key, onlyIfCached).map(lookup -> answer(key, lookup, ifNoneMatch));
    }

    @PUT
    @Path("entries/{key: .+}")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> put(@PathParam("ns") String ns, @PathParam("key") String key, byte[] body,
                             @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                             @HeaderParam(HttpHeaders.CACHE_CONTROL) String cacheControl,
                             @HeaderParam(TAGS_HEADER) List<String> tags, @HeaderParam(LEASE_HEADER) String lease) {
        CacheControl directives = CacheControl.of(cacheControl);
        Entries.Put put = new Entries.Put(body == null ? new byte[0] : body,
                contentType == null ? MediaType.APPLICATION_OCTET_STREAM : contentType,
                directives.seconds("max-age"), directives.seconds("stale-while-revalidate"), splitTags(tags), lease);
        return entries.put(entries.grant(ns, caller), key, put).map(etag -> Response.noContent().tag(new jakarta.ws.rs.core.EntityTag(unquoted(etag))).build());
    }

    @DELETE
    @Path("entries/{key: .+}")
    public Uni<Response> delete(@PathParam("ns") String ns, @PathParam("key") String key) {
        return entries.delete(entries.grant(ns, caller), key).map(removed -> Response.noContent().build());
    }

    @POST
    @Path("batch-get")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Map<String, List<BatchEntry>>> batchGet(@PathParam("ns") String ns, BatchGet body) {
        List<String> keys = body == null ? null : body.keys();
        return entries.getAll(entries.grant(ns, caller), keys).map(found -> {
            List<BatchEntry> out = new ArrayList<>(found.size());
            for (int i = 0; i < found.size(); i++) {
                out.add(batchEntry(keys.get(i), found.get(i)));
            }
            return Map.of("entries", out);
        });
    }

    @POST
    @Path("invalidations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Long>> invalidate(@PathParam("ns") String ns, Invalidation body) {
        return entries.invalidate(entries.grant(ns, caller), body == null ? null : body.tags(), body == null ? null : body.prefix())
                .map(removed -> Map.of("deleted", removed));
    }

    private static Response answer(String key, Lookup lookup, String ifNoneMatch) {
        Entry entry = lookup.entry();
        Response.ResponseBuilder answer;
        if (entry == null) {
            answer = Response.fromResponse(Problem.response(404, ApiErrors.NOT_FOUND, "no entry " + key))
                    .header("Cache-Status", CACHE_NAME + "; fwd=miss");
        } else {
            answer = CachingHeaders.noneMatchHits(ifNoneMatch, entry.etag()) ? Response.notModified() : Response.ok(entry.value(), entry.contentType());
            answer.header(HttpHeaders.ETAG, entry.etag())
                    .header("Age", entry.ageSeconds(lookup.now()))
                    .header("Cache-Status", CACHE_NAME + "; hit; ttl=" + entry.ttlSeconds(lookup.now()))
                    .header(TAGS_HEADER, entry.tags().isEmpty() ? null : String.join(",", entry.tags()));
        }
        if (lookup.lease() != null) {
            answer.header(LEASE_HEADER, lookup.lease());
        }
        return answer.build();
    }

    private static BatchEntry batchEntry(String key, Lookup lookup) {
        Entry entry = lookup.entry();
        if (entry == null) {
            return new BatchEntry(key, "miss", null, null, null, null, null, null);
        }
        String text = utf8(entry.value());
        return new BatchEntry(key, lookup.status() == Lookup.Status.HIT ? "hit" : "stale",
                text != null ? text : Base64.getEncoder().encodeToString(entry.value()), text != null ? "utf-8" : "base64",
                entry.contentType(), entry.etag(), entry.ageSeconds(lookup.now()), entry.tags());
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static List<String> splitTags(List<String> headers) {
        List<String> tags = new ArrayList<>();
        if (headers != null) {
            for (String header : headers) {
                Arrays.stream(header.split(",")).map(String::trim).filter(t -> !t.isEmpty()).forEach(tags::add);
            }
        }
        return tags;
    }

    private static String unquoted(String etag) {
        return etag.substring(1, etag.length() - 1);
    }
}
