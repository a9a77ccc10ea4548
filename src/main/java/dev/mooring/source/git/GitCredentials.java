package dev.mooring.source.git;

/**
 * What a fetch authenticates with, read from the Secret named in {@code spec.secretRef}: for
 * http(s) {@code username} and {@code password}, or {@code token} alone; for ssh
 * {@code identity} (a private key, OpenSSH or PEM) and optionally {@code known_hosts} (without it,
 * the host must be in {@code ~/.ssh/known_hosts} of the user running Mooring; see {@link SshAccess}).
 */
record GitCredentials(String username, String password, byte[] identity, byte[] knownHosts) {
    static final GitCredentials NONE = new GitCredentials(null, null, null, null);

    /** Never the values. */
    @Override
    public String toString() {
        return "GitCredentials[" + (username != null ? "username " : "") + (password != null ? "password " : "")
                + (identity != null ? "identity " : "") + (knownHosts != null ? "known_hosts" : "") + "]";
    }
}
