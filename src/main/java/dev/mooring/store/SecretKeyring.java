package dev.mooring.store;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keys Secret values are encrypted with, from configuration: {@code mooring.secrets.key}
 * (base64, e.g. the environment variable {@code MOORING_SECRETS_KEY}) or
 * {@code mooring.secrets.key-file} (a file holding the base64 key); when neither is set, the key
 * in {@code ${mooring.data-dir}/secret.key}, generated there (mode 0600) on first start.
 * {@code mooring.secrets.previous-keys} (comma-separated base64) may name keys that still open
 * older values until {@code POST /api/v1alpha1/secrets/rotate} has re-encrypted them.
 * <p>
 * Loaded at start-up, so a bad key stops Mooring with a message instead of failing later. Only
 * key IDs are ever logged.
 */
@ApplicationScoped
@Startup
public class SecretKeyring {
    private static final Logger LOG = Logger.getLogger(SecretKeyring.class);
    public static final String GENERATED_FILE = "secret.key";

    @ConfigProperty(name = "mooring.secrets.key")
    Optional<String> key;
    @ConfigProperty(name = "mooring.secrets.key-file")
    Optional<String> keyFile;
    @ConfigProperty(name = "mooring.secrets.previous-keys")
    Optional<List<String>> previousKeys;
    @ConfigProperty(name = "mooring.data-dir", defaultValue = "./data")
    String dataDir;

    private SecretCipher cipher;

    /** The loaded keys and where the current one came from (for the start-up log line). */
    public record Loaded(SecretCipher cipher, String source) {
    }

    @PostConstruct
    void init() {
        Loaded loaded = load(key, keyFile, previousKeys.orElse(List.of()), Path.of(dataDir));
        cipher = loaded.cipher();
        LOG.infof("secrets: encrypting under key %s (%s)%s", cipher.currentKeyId(), loaded.source(),
                cipher.keyIds().size() > 1 ? "; previous keys " + String.join(", ", cipher.keyIds().stream().skip(1).toList()) : "");
    }

    public SecretCipher cipher() {
        return cipher;
    }

    /** Reads (or, without configuration, generates) the keys. Errors name the setting, never the key. */
    public static Loaded load(Optional<String> key, Optional<String> keyFile, List<String> previous, Path dataDir) {
        Optional<String> k = key.filter(s -> !s.isBlank());
        Optional<String> f = keyFile.filter(s -> !s.isBlank());
        if (k.isPresent() && f.isPresent()) {
            throw new IllegalArgumentException("both mooring.secrets.key and mooring.secrets.key-file are set; set one of them");
        }
        byte[] current;
        String source;
        if (k.isPresent()) {
            current = SecretCipher.parseKey(k.get(), "mooring.secrets.key");
            source = "from mooring.secrets.key";
        } else if (f.isPresent()) {
            Path file = Path.of(f.get());
            current = SecretCipher.parseKey(read(file, "mooring.secrets.key-file"), "the key file " + file + " (mooring.secrets.key-file)");
            warnIfOthersCanRead(file);
            source = "from " + file;
        } else {
            Path file = dataDir.resolve(GENERATED_FILE).toAbsolutePath();
            source = generateIfMissing(file) ? "generated into " + file : "from " + file;
            current = SecretCipher.parseKey(read(file, "the generated key file"), "the key file " + file);
            warnIfOthersCanRead(file);
        }
        List<byte[]> old = new ArrayList<>();
        for (int i = 0; i < previous.size(); i++) {
            if (!previous.get(i).isBlank()) {
                old.add(SecretCipher.parseKey(previous.get(i), "entry " + (i + 1) + " of mooring.secrets.previous-keys"));
            }
        }
        return new Loaded(new SecretCipher(current, old), source);
    }

    /** Writes a fresh random key to the file, readable by its owner only; false when the file is already there. */
    static boolean generateIfMissing(Path file) {
        if (Files.exists(file)) {
            return false;
        }
        try {
            DataDirectory.createPrivateDirectories(file.getParent());
            try {
                if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(file);
                }
            } catch (FileAlreadyExistsException e) {
                return false; // another process made it first: use that one
            }
            Files.writeString(file, Base64.getEncoder().encodeToString(SecretCipher.generateKey()) + "\n",
                    StandardCharsets.US_ASCII, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a new secret key to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file, String setting) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + setting + " " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                return;
            }
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warnf("secrets: the key file %s is readable by others (%s); chmod 600 it", file, PosixFilePermissions.toString(p));
            }
        } catch (IOException e) {
            LOG.debugf("secrets: cannot read the permissions of %s: %s", file, e.getMessage());
        }
    }
}
