package dev.mooring.source.rest;

import dev.mooring.api.ResourceParser;
import dev.mooring.api.ApiException;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Validation;
import dev.mooring.source.compose.ComposeTranslator;
import dev.mooring.source.compose.ProjectArchive;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports a docker-compose project into a namespace: the file alone ({@code application/yaml}) or
 * the project directory as a tar ({@code application/x-tar}, gzipped or not), unpacked under
 * {@code ${mooring.data-dir}/projects/<ns>/<digest>/} so build contexts and relative bind mounts
 * resolve there. The resources go through the same write path as POST /apply. A project counts
 * against its namespace's quota and goes once no resource uses it ({@link ComposeProjects}); the
 * files of its file secrets are read into Secrets and removed.
 */
@Path("/api/v1alpha1")
@Tag(name = "resources")
public class ComposeApi {
    static final String TAR = "application/x-tar";

    @Inject
    ResourceWriter writer;
    @Inject
    ComposeProjects projects;

    /** The most bytes a project may unpack to (a gzipped tar may be much smaller than that). */
    @ConfigProperty(name = "mooring.compose.max-project-size", defaultValue = "64Mi")
    String maxProjectSize;
    /** The most bytes one namespace's unpacked projects may take together. */
    @ConfigProperty(name = "mooring.compose.namespace-quota", defaultValue = "512Mi")
    String namespaceQuota;
    @ConfigProperty(name = "mooring.compose.max-project-entries", defaultValue = "10000")
    int maxEntries;

    @POST
    @Path("/namespaces/{ns}/compose")
    @Consumes({ResourcesApi.YAML, "application/x-yaml", "text/yaml", TAR, "application/gzip", "application/x-gtar", "application/x-gzip"})
    @Produces({MediaType.APPLICATION_JSON, ResourcesApi.YAML})
    @Operation(summary = "Import a docker-compose file or project (tar) as Mooring resources")
    public Response importCompose(@PathParam("ns") String ns, @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
                                  @QueryParam("format") @DefaultValue("json") String format,
                                  @QueryParam("profiles") String profiles,
                                  @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
        if (!format.equals("json") && !format.equals("yaml")) {
            throw ApiException.invalid(List.of(new ApiException.FieldError("format", "\"" + format + "\" is not json or yaml")));
        }
        if (ns.length() > 63 || !Validation.DNS1123_LABEL.matcher(ns).matches()) {
            throw ApiException.invalid(List.of(new ApiException.FieldError("metadata.namespace", "\"" + ns + "\" is not a DNS-1123 label")));
        }
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("the body is empty; send a compose file (application/yaml) or a project (application/x-tar)");
        }
        boolean yaml = ResourceParser.isYaml(contentType) && !ProjectArchive.isGzip(body);
        if (yaml) {
            return importFile(ns, body, dryRun, format, profiles, null);
        }
        return projects.locked(ns, () -> {
            projects.sweepLocked(ns); // projects no resource uses any more do not count against the quota
            ProjectArchive.Project project = ProjectArchive.unpack(body, projects.namespaceDir(ns),
                    dev.mooring.api.Quantities.bytes(maxProjectSize), maxEntries, dev.mooring.api.Quantities.bytes(namespaceQuota));
            return importFile(ns, project.compose(), dryRun, format, profiles, project);
        });
    }

    private Response importFile(String ns, byte[] compose, boolean dryRun, String format, String profiles, ProjectArchive.Project project) {
        ComposeTranslator.Translation t = null;
        try {
            t = ComposeTranslator.translate(ns, compose, project == null ? null : project.dir(), ComposeTranslator.Options.profiles(profiles));
            List<Map<String, Object>> results = writer.apply(t.resources(), dryRun, "import");
            java.time.Instant keptUntil = null;
            if (dryRun && project != null) {
                if (format.equals("yaml") && pointsInto(t, project.dir())) {
                    // the YAML names the project's files: they stay (for mooring.compose.dry-run-retention), so it applies as it is
                    keptUntil = projects.keepForDryRun(project.dir());
                } else {
                    project.discardIfCreated(); // nothing of a dry run stays; a real import unpacks to the same place
                }
            }
            if (!dryRun && project != null) {
                projects.sweepLocked(ns); // the projects this import replaced
            }
            return format.equals("yaml") ? Response.ok(yaml(t, results, dryRun, project, keptUntil), ResourcesApi.YAML).build()
                    : Response.ok(json(t, results, dryRun, project), MediaType.APPLICATION_JSON).build();
        } catch (RuntimeException e) {
            if (project != null) {
                project.discardIfCreated();
            }
            throw e;
        } finally {
            if (project != null) {
                // the values are in (encrypted) Secrets now, or nowhere: no plain copy stays in the data dir
                if (t != null) {
                    project.removeFiles(t.secretFiles());
                }
                project.removeFiles(project.restored()); // what an earlier import took out goes again, even if this one failed
            }
        }
    }

    private static Map<String, Object> json(ComposeTranslator.Translation t, List<Map<String, Object>> results, boolean dryRun,
                                            ProjectArchive.Project project) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dryRun", dryRun);
        if (project != null) {
            out.put("project", Map.of("directory", project.dir().toString(), "composeFile", project.composeFile(),
                    "digest", "sha256:" + project.digest()));
        }
        out.put("results", results);
        out.put("warnings", t.warnings().stream().map(w -> Map.of("path", w.path(), "message", w.message())).toList());
        out.put("resources", t.resources());
        return out;
    }

    /** Mooring YAML, one document per resource; warnings and results as comments. Secret values are never echoed. */
    /** Whether an App of the translation builds from or bind-mounts a file of the project. */
    private static boolean pointsInto(ComposeTranslator.Translation t, java.nio.file.Path dir) {
        java.nio.file.Path root = dir.toAbsolutePath().normalize();
        return t.resources().stream().filter(r -> r instanceof dev.mooring.api.App).map(r -> ((dev.mooring.api.App) r).getSpec()).anyMatch(s ->
                s.build != null && s.build.context != null && java.nio.file.Path.of(s.build.context).normalize().startsWith(root)
                        || s.volumes != null && s.volumes.stream().anyMatch(v -> v.hostPath != null && java.nio.file.Path.of(v.hostPath).normalize().startsWith(root)));
    }

    private static String yaml(ComposeTranslator.Translation t, List<Map<String, Object>> results, boolean dryRun,
                               ProjectArchive.Project project, java.time.Instant keptUntil) {
        StringBuilder sb = new StringBuilder("# translated from docker-compose by Mooring").append(dryRun ? " (dry run: nothing stored)" : "").append('\n');
        if (keptUntil != null) {
            sb.append("# the project's files are kept in ").append(project.dir()).append(" until ").append(keptUntil)
                    .append(" (mooring.compose.dry-run-retention): apply this YAML before then, and they stay as long as a resource uses them;\n")
                    .append("# later, import the same project again (it lands in the same directory) and apply this YAML after it\n");
        }
        for (ComposeTranslator.Warning w : t.warnings()) {
            sb.append("# warning: ").append(w.path()).append(": ").append(w.message().replace('\n', ' ')).append('\n');
        }
        for (Map<String, Object> r : results) {
            sb.append("# ").append(r.get("kind")).append(' ').append(r.get("namespace")).append('/').append(r.get("name"))
                    .append(": ").append(r.get("result")).append('\n');
        }
        for (MooringResource<?, ?> r : t.resources()) {
            String doc = ResourcesApi.toYaml(r);
            sb.append(doc.startsWith("---") ? "" : "---\n").append(doc);
            if (r instanceof dev.mooring.api.Secret) {
                sb.append("# the values of Secret ").append(r.name()).append(" are not shown; they came from the project's files\n");
            }
        }
        return sb.toString();
    }
}
