package dev.mooring.source.git;

import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;

import java.io.IOException;
import java.net.Proxy;
import java.net.URL;

/**
 * The HTTP connections of one fetch, each checked by a {@link GitCheckouts.HostGuard} right
 * before JGit opens it: the first request's and every redirect's (JGit follows up to five), so
 * neither a redirect nor a DNS answer that changed since the GitRepository was written (DNS
 * rebinding) reaches a host the policy refuses (issue 10). The first refusal is kept for the
 * fetch's error message.
 */
final class GuardedHttpConnections {
    private final GitCheckouts.HostGuard guard;
    private volatile String refusal;

    GuardedHttpConnections(GitCheckouts.HostGuard guard) {
        this.guard = guard;
    }

    /** Why a connection of this fetch was refused, or null. */
    String refusal() {
        return refusal;
    }

    /** JGit's factory with the check in front of it. */
    HttpConnectionFactory2 around(HttpConnectionFactory delegate) {
        return new HttpConnectionFactory2() {
            @Override
            public HttpConnection create(URL url) throws IOException {
                check(url);
                return delegate.create(url);
            }

            @Override
            public HttpConnection create(URL url, Proxy proxy) throws IOException {
                check(url);
                return delegate.create(url, proxy);
            }

            @Override
            public GitSession newSession() {
                if (delegate instanceof HttpConnectionFactory2 d) {
                    return d.newSession();
                }
                return new GitSession() {
                    @Override
                    public HttpConnection configure(HttpConnection connection, boolean sslVerify) {
                        return connection;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    private void check(URL url) throws IOException {
        String why = guard.refusal(url.getHost(), url.getPort() > 0 ? url.getPort() : url.getDefaultPort());
        if (why != null) {
            String r = "the fetch was sent to " + url.getProtocol() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                    + " and refused: " + why;
            if (refusal == null) {
                refusal = r;
            }
            throw new IOException(r);
        }
    }
}
