package dev.mooring.docker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

import java.util.Map;
import java.util.Optional;

/**
 * Engines Mooring drives, by name: {@code mooring.engines.<name>.host=tcp://10.0.0.5:2376}, with
 * optional TLS material ({@code tls-verify}, {@code cert-path} holding ca.pem, cert.pem, key.pem).
 * The engine {@code local} always exists: {@code DOCKER_HOST}, else the local socket.
 */
@ConfigMapping(prefix = "mooring.engines")
public interface EngineConfig {
    @WithParentName
    Map<String, Engine> engines();

    interface Engine {
        String host();

        Optional<Boolean> tlsVerify();

        Optional<String> certPath();
    }
}
