package dev.mooring.source.git;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.agent.ConnectorFactory;
import org.eclipse.jgit.util.FS;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import java.util.List;

/**
 * The ssh side of one fetch: a JGit session factory that logs in with the Secret's
 * {@code identity} only (no ssh-agent, no keys of the user running Mooring) and trusts the host
 * keys in the Secret's {@code known_hosts}, or, when the Secret has none, those in
 * {@code ~/.ssh/known_hosts} of the user running Mooring. An unknown or changed host key is
 * refused, never learnt. JGit reports both failures tersely ("Server key did not validate",
 * "Cannot log in at host:port"), so {@link #explain} turns them into what a user can act on,
 * with the key the server presented.
 */
final class SshAccess implements AutoCloseable {
    private final Path dir;
    private final boolean secretKnownHosts;
    private final Factory factory;
    private final boolean hasIdentity;

    /** Why the last host key was refused, or null. Written by JGit's session thread. */
    private volatile String hostKeyRefusal;

    /**
     * Writes the Secret's identity and known_hosts into {@code dir} (recreated; removed by
     * {@link #close}) and builds the factory. An identity that is no private key Mooring can
     * use fails here, naming the key.
     */
    SshAccess(Path dir, GitCredentials c) throws IOException {
        this.dir = dir;
        this.hasIdentity = c.identity() != null;
        this.secretKnownHosts = c.knownHosts() != null;
        if (hasIdentity) {
            checkIdentity(c.identity());
        }
        GitCheckouts.deleteTree(dir);
        Files.createDirectories(dir);
        Path identity = dir.resolve("identity");
        List<Path> knownHosts;
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            if (hasIdentity) {
                Files.write(identity, c.identity());
                Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rw-------"));
            }
            if (secretKnownHosts) {
                Path file = dir.resolve("known_hosts");
                Files.write(file, c.knownHosts());
                knownHosts = List.of(file);
            } else {
                Path userSsh = FS.DETECTED.userHome().toPath().resolve(".ssh");
                knownHosts = List.of(userSsh.resolve("known_hosts"), userSsh.resolve("known_hosts2"));
            }
        } catch (IOException | RuntimeException e) {
            GitCheckouts.deleteTree(dir); // no key left behind
            throw e;
        }
        this.factory = new Factory(hasIdentity ? List.of(identity) : List.of(), knownHosts);
        factory.setHomeDirectory(dir.toFile());
        factory.setSshDirectory(dir.toFile());
    }

    SshdSessionFactory factory() {
        return factory;
    }

    /**
     * A clear account of an ssh failure of the fetch ({@code e}), or null when it is not one of
     * the host key or login failures.
     */
    String explain(Throwable e) {
        String refusal = hostKeyRefusal;
        if (refusal != null) {
            return refusal;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("Cannot log in at") || m.contains("No more authentication methods available"))) {
                String at = m.contains("Cannot log in at ") ? m.substring(m.indexOf("Cannot log in at ") + 17).lines().findFirst().orElse("").trim() : "the server";
                return hasIdentity
                        ? "ssh authentication failed: " + at + " refused the key in the Secret's identity (is its public key in the server's authorized_keys for this user?)"
                        : "ssh authentication failed: " + at + " wants a key; put a private key in the Secret's identity";
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        factory.close();
        GitCheckouts.deleteTree(dir);
    }

    /** OpenSSH or PEM private keys (rsa, ecdsa, ed25519), without a passphrase. */
    private static void checkIdentity(byte[] identity) throws IOException {
        Iterator<KeyPair> keys;
        try {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("identity"),
                    new ByteArrayInputStream(identity), null);
            keys = loaded == null ? null : loaded.iterator();
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new IOException("the Secret's identity is not a private key Mooring can use (an OpenSSH or PEM private key without a passphrase): "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        if (keys == null || !keys.hasNext()) {
            throw new IOException("the Secret's identity holds no private key (an OpenSSH or PEM private key without a passphrase)");
        }
    }

    private String knownHostsName() {
        return secretKnownHosts ? "the Secret's known_hosts" : "~/.ssh/known_hosts of the user running Mooring (the Secret has no known_hosts)";
    }

    /** JGit's session factory with this fetch's identities, known hosts, and no ssh-agent. */
    private final class Factory extends SshdSessionFactory {
        private final List<Path> identities;
        private final List<Path> knownHosts;

        Factory(List<Path> identities, List<Path> knownHosts) {
            super(null, null);
            this.identities = identities;
            this.knownHosts = knownHosts;
        }

        @Override
        protected List<Path> getDefaultIdentities(File sshDir) {
            return identities;
        }

        @Override
        protected List<Path> getDefaultKnownHostsFiles(File sshDir) {
            return knownHosts;
        }

        @Override
        protected ConnectorFactory getConnectorFactory() {
            return null; // no ssh-agent: only the Secret's key
        }

        @Override
        protected ServerKeyDatabase createServerKeyDatabase(File homeDir, File sshDir) {
            ServerKeyDatabase known = super.createServerKeyDatabase(homeDir, sshDir);
            return new ServerKeyDatabase() {
                @Override
                public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
                    return known.lookup(connectAddress, remoteAddress, config);
                }

                @Override
                public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                                      Configuration config, CredentialsProvider provider) {
                    // no provider: JGit asks nobody, so an unknown or changed key is refused
                    boolean ok = known.accept(connectAddress, remoteAddress, serverKey, config, null);
                    if (!ok) {
                        String key = KeyUtils.getKeyType(serverKey) + " " + KeyUtils.getFingerPrint(serverKey);
                        boolean listed = !known.lookup(connectAddress, remoteAddress, config).isEmpty();
                        hostKeyRefusal = "ssh host key verification failed for " + connectAddress + ": it presented " + key + ", "
                                + (listed ? "but " + knownHostsName() + " lists another key for it (the host key changed, or this is not the host)"
                                : "which is not in " + knownHostsName() + "; add its line (ssh-keyscan"
                                + (remoteAddress.getPort() == 22 ? "" : " -p " + remoteAddress.getPort()) + " " + remoteAddress.getHostString()
                                + ", checked out of band)");
                    }
                    return ok;
                }
            };
        }
    }
}
