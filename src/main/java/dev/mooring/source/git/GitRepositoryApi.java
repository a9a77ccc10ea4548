package dev.mooring.source.git;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.api.ApiException;
import dev.mooring.api.GitRepository;
import dev.mooring.api.GitRepositorySpec;
import dev.mooring.api.GitRepositoryStatus;
import dev.mooring.api.GitRepositoryStatus.NextSync;
import dev.mooring.api.GitRepositoryStatus.PruneConfirmation;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceCodec;
import dev.mooring.security.AuditTrail;
import dev.mooring.store.ResourceStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GitRepository's actions: a Git host's push webhook (authenticated by its HMAC signature, not
 * by a token: see {@code AccessRules}), a person's confirmation of a prune that a sync is waiting
 * for, and a person's go for the planned commit of a suspended repository.
 */
// Rooted at /api/v1alpha1 like ResourcesApi: a class path of .../gitrepositories/{name} would shadow its GET.
@Path("/api/v1alpha1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "gitops")
public class GitRepositoryApi {
    @Inject
    ResourceStore store;
    @Inject
    GitSecrets gitSecrets;
    @Inject
    GitRepositoryReconciler reconciler;
    @Inject
    AuditTrail audit;

    @POST
    @Path("/namespaces/{ns}/gitrepositories/{name}/webhook")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Push webhook of GitHub or Gitea: checks the HMAC-SHA256 signature and syncs at once")
    public Response webhook(@PathParam("ns") String ns, @PathParam("name") String name,
                            @HeaderParam("X-Hub-Signature-256") String hubSignature,
                            @HeaderParam("X-Gitea-Signature") String giteaSignature,
                            @HeaderParam("X-GitHub-Event") String githubEvent,
                            @HeaderParam("X-Gitea-Event") String giteaEvent,
                            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                            byte[] body) {
        GitRepository repo = repository(ns, name);
        GitRepositorySpec spec = repo.getSpec();
        if (spec.webhook == null || spec.webhook.secretRef == null) {
            throw unauthorized("GitRepository " + ns + "/" + name + " takes no webhooks: spec.webhook.secretRef is not set");
        }
        String secretName = spec.webhook.secretRef.name;
        String secretKey = spec.webhook.secretRef.keyOrDefault();
        byte[] secret;
        try {
            secret = gitSecrets.secretValues(ns, secretName, "spec.webhook.secretRef", List.of(secretKey)).get(secretKey);
        } catch (SyncFailure e) {
            throw unauthorized("the signature cannot be checked: " + e.getMessage());
        }
        if (secret == null) {
            throw unauthorized("the signature cannot be checked: Secret " + ns + "/" + secretName + " has no key " + secretKey);
        }
        String host = hubSignature != null ? "GitHub" : "Gitea";
        String signature = hubSignature != null ? hubSignature : giteaSignature;
        if (signature == null) {
            throw unauthorized("the request is not signed: send X-Hub-Signature-256: sha256=<hex> (GitHub) or X-Gitea-Signature: <hex> (Gitea), the HMAC-SHA256 of the body");
        }
        byte[] raw = body == null ? new byte[0] : body;
        if (!WebhookSignature.valid(secret, raw, signature)) {
            throw unauthorized("the signature does not match the body and the webhook secret of GitRepository " + ns + "/" + name);
        }
        String event = githubEvent != null ? githubEvent : giteaEvent != null ? giteaEvent : "push";
        if (giteaEvent != null) {
            host = "Gitea";
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("event", event);
        if (!event.equals("push")) {
            answer.put("sync", false);
            answer.put("message", event.equals("ping") ? "pong" : "event " + event + " is ignored; only push syncs");
            audit.add(new AuditTrail.Change("webhook", "GitRepository", ns, name, null, null, host + " " + event + ": ignored"));
            return Response.accepted(answer).build();
        }
        String ref = pushedRef(raw, contentType);
        answer.put("ref", ref);
        if (ref != null && !ref.equals(spec.ref())) {
            answer.put("sync", false);
            answer.put("message", "push to " + ref + " is ignored; this repository follows " + spec.ref());
            audit.add(new AuditTrail.Change("webhook", "GitRepository", ns, name, null, null, host + " push to " + ref + ": ignored (follows " + spec.ref() + ")"));
            return Response.accepted(answer).build();
        }
        boolean now = reconciler.requestSync(ns, name);
        answer.put("sync", true);
        answer.put("message", now ? "sync of " + spec.ref() + " started"
                : "sync of " + spec.ref() + " requested: this instance is not the leader, which syncs at its next look (mooring.controller.resync-interval)");
        audit.add(new AuditTrail.Change("webhook", "GitRepository", ns, name, null, null, host + " push to " + (ref == null ? spec.ref() : ref) + ": sync requested"));
        return Response.accepted(answer).build();
    }

    /** {@code ?commit=<sha>} or body {@code {"commit": "<sha>"}}: the commit whose prune is approved, at least 7 characters of it. */
    @POST
    @Path("/namespaces/{ns}/gitrepositories/{name}/confirm")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Confirm the prune a sync is waiting for; names the commit, so it cannot approve a later one")
    public Response confirm(@PathParam("ns") String ns, @PathParam("name") String name, @QueryParam("commit") String commitParam, byte[] body) {
        GitRepository repo = repository(ns, name);
        String commit = commit(commitParam, body, "the commit whose prune you confirm (status.pruneConfirmation.commit)");
        PruneConfirmation waiting = repo.getStatus() == null ? null : repo.getStatus().pruneConfirmation;
        if (waiting == null) {
            throw ApiException.conflict("GitRepository " + ns + "/" + name + " has no sync waiting for a prune confirmation");
        }
        String c = commit.trim().toLowerCase();
        if (c.length() < 7 || !waiting.commit.startsWith(c)) {
            throw ApiException.conflict("the sync of GitRepository " + ns + "/" + name + " waits for commit " + waiting.commit
                    + ", not " + commit + "; a confirmation approves the prune of the commit it names only");
        }
        String before = repo.getMetadata().getResourceVersion();
        MooringResource<?, ?> after = store.annotate(Kind.GitRepository, ns, name, GitRepository.PRUNE_CONFIRMED, waiting.commit);
        audit.wrote("confirm", after, before, "prune of " + waiting.pruneCount + " of " + waiting.ownedCount + " resources at commit "
                + waiting.commit + " confirmed: " + String.join(", ", waiting.prune));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("commit", waiting.commit);
        answer.put("prune", waiting.prune);
        answer.put("message", "confirmed; the sync runs now");
        return Response.accepted(answer).build();
    }

    /**
     * {@code ?commit=<sha>} or body {@code {"commit": "<sha>"}}: a suspended repository applies the
     * commit it planned (status.nextSync.commit), and stays suspended. A later commit needs its own look.
     */
    @POST
    @Path("/namespaces/{ns}/gitrepositories/{name}/sync")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Apply the commit a suspended repository planned (status.nextSync); names the commit, so it cannot apply a later one")
    public Response sync(@PathParam("ns") String ns, @PathParam("name") String name, @QueryParam("commit") String commitParam, byte[] body) {
        GitRepository repo = repository(ns, name);
        String commit = commit(commitParam, body, "the planned commit to apply (status.nextSync.commit)");
        GitRepositoryStatus status = repo.getStatus();
        NextSync next = status == null ? null : status.nextSync;
        if (!repo.getSpec().suspended() || next == null || !GitRepositoryStatus.SUSPENDED.equals(next.waitingFor)) {
            throw ApiException.conflict("GitRepository " + ns + "/" + name + " has no planned commit waiting"
                    + (repo.getSpec().suspended() ? " (status.nextSync is empty: the store holds what the ref names)"
                    : ": it is not suspended, so it applies new commits itself"));
        }
        String c = commit.trim().toLowerCase();
        if (c.length() < 7 || !next.commit.startsWith(c)) {
            throw ApiException.conflict("GitRepository " + ns + "/" + name + " planned commit " + next.commit + ", not " + commit
                    + "; only a planned commit can be applied (a newer one is planned at the next look)");
        }
        String before = repo.getMetadata().getResourceVersion();
        MooringResource<?, ?> after = store.annotate(Kind.GitRepository, ns, name, GitRepository.SYNC_APPROVED, next.commit);
        audit.wrote("sync", after, before, "planned commit " + next.commit + " approved while suspended");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("commit", next.commit);
        answer.put("message", "approved; the sync runs now");
        return Response.accepted(answer).build();
    }

    private static String commit(String param, byte[] body, String what) {
        String commit = param;
        if (commit == null && body != null && body.length > 0) {
            try {
                JsonNode n = ResourceCodec.JSON.readTree(body);
                commit = n.path("commit").asText(null);
            } catch (Exception e) {
                throw ApiException.badRequest("the body is not JSON; send {\"commit\": \"<sha>\"} or ?commit=<sha>");
            }
        }
        if (commit == null || commit.isBlank()) {
            throw ApiException.invalid(List.of(new ApiException.FieldError("commit", "is required: " + what)));
        }
        return commit;
    }

    private GitRepository repository(String ns, String name) {
        return store.find(GitRepository.class, ns, name).orElseThrow(() -> ApiException.notFound("GitRepository", ns, name));
    }

    /** The {@code ref} of a push payload, JSON or GitHub's form encoding ({@code payload=<json>}); null when it has none. */
    static String pushedRef(byte[] body, String contentType) {
        try {
            String text = new String(body, StandardCharsets.UTF_8);
            if (contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
                for (String part : text.split("&")) {
                    if (part.startsWith("payload=")) {
                        text = URLDecoder.decode(part.substring(8), StandardCharsets.UTF_8);
                    }
                }
            }
            if (text.isBlank()) {
                return null;
            }
            return ResourceCodec.JSON.readTree(text).path("ref").asText(null);
        } catch (Exception e) {
            throw ApiException.badRequest("the push payload is not JSON: " + e.getClass().getSimpleName());
        }
    }

    private static ApiException unauthorized(String detail) {
        return new ApiException(401, "Unauthorized", detail, null);
    }
}
