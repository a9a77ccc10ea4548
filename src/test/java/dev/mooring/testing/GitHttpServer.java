package dev.mooring.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

/**
 * Serves one bare repository over Git's smart HTTP protocol (fetch only), behind HTTP basic
 * authentication: the JDK's HTTP server with JGit's UploadPack, so a test fetches over real HTTP
 * without a servlet container. URL: {@code http://127.0.0.1:<port>/repo.git}.
 */
public final class GitHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Path bare;
    private final String expectedAuth;

    public GitHttpServer(Path bare, String username, String password) throws IOException {
        this.bare = bare;
        this.expectedAuth = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/repo.git/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/repo.git";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            String path = ex.getRequestURI().getPath();
            try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build()) {
                if (path.endsWith("/info/refs") && "service=git-upload-pack".equals(ex.getRequestURI().getQuery())) {
                    ex.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-advertisement");
                    ex.getResponseHeaders().add("Cache-Control", "no-cache");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    PacketLineOut pck = new PacketLineOut(out);
                    pck.writeString("# service=git-upload-pack\n");
                    pck.end();
                    UploadPack up = new UploadPack(repo);
                    up.setBiDirectionalPipe(false);
                    up.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
                    out.flush();
                } else if (path.endsWith("/git-upload-pack") && "POST".equals(ex.getRequestMethod())) {
                    InputStream in = ex.getRequestBody();
                    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                        in = new GZIPInputStream(in);
                    }
                    ex.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
                    ex.sendResponseHeaders(200, 0);
                    UploadPack up = new UploadPack(repo);
                    up.setBiDirectionalPipe(false);
                    up.upload(in, ex.getResponseBody(), null);
                } else {
                    ex.sendResponseHeaders(404, -1);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
