package dev.mooring.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the key comes from: the setting, a key file, or a key generated into the data directory. */
class SecretKeyringTest {
    static final String K1 = Base64.getEncoder().encodeToString(SecretCipherTest.key(1));
    static final String K2 = Base64.getEncoder().encodeToString(SecretCipherTest.key(2));

    @Test
    void withoutConfigurationAKeyIsGeneratedIntoTheDataDirectoryOnceReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        SecretKeyring.Loaded first = SecretKeyring.load(Optional.empty(), Optional.empty(), List.of(), dir.resolve("data"));
        Path file = dir.resolve("data").resolve("secret.key");

        assertThat(file).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(first.source()).startsWith("generated into");
        SecretKeyring.Loaded again = SecretKeyring.load(Optional.empty(), Optional.empty(), List.of(), dir.resolve("data"));
        assertThat(again.cipher().currentKeyId()).isEqualTo(first.cipher().currentKeyId());
        assertThat(again.source()).startsWith("from ");
    }

    @Test
    void theKeySettingOrAKeyFileIsUsedAndNothingIsGenerated(@TempDir Path dir) throws Exception {
        SecretKeyring.Loaded fromSetting = SecretKeyring.load(Optional.of(K1), Optional.empty(), List.of(K2), dir);
        assertThat(fromSetting.cipher().currentKeyId()).isEqualTo(SecretCipher.keyId(SecretCipherTest.key(1)));
        assertThat(fromSetting.cipher().canOpen(SecretCipher.keyId(SecretCipherTest.key(2)))).isTrue();

        Path keyFile = dir.resolve("k");
        Files.writeString(keyFile, K2 + "\n");
        SecretKeyring.Loaded fromFile = SecretKeyring.load(Optional.empty(), Optional.of(keyFile.toString()), List.of(), dir);
        assertThat(fromFile.cipher().currentKeyId()).isEqualTo(SecretCipher.keyId(SecretCipherTest.key(2)));
        assertThat(dir.resolve("secret.key")).doesNotExist();
    }

    @Test
    void badConfigurationStopsStartWithAMessageThatNamesTheSettingNotTheKey(@TempDir Path dir) {
        assertThatThrownBy(() -> SecretKeyring.load(Optional.of(K1), Optional.of("/k"), List.of(), dir))
                .hasMessageContaining("both mooring.secrets.key and mooring.secrets.key-file");
        String shortKey = Base64.getEncoder().encodeToString(new byte[20]);
        assertThatThrownBy(() -> SecretKeyring.load(Optional.of(shortKey), Optional.empty(), List.of(), dir))
                .hasMessageContaining("mooring.secrets.key").hasMessageContaining("32 bytes").hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> SecretKeyring.load(Optional.of(K1), Optional.empty(), List.of(K2, "%%%"), dir))
                .hasMessageContaining("entry 2 of mooring.secrets.previous-keys").hasMessageNotContaining("%%%");
        assertThatThrownBy(() -> SecretKeyring.load(Optional.empty(), Optional.of(dir.resolve("missing").toString()), List.of(), dir))
                .hasMessageContaining("mooring.secrets.key-file");
    }
}
