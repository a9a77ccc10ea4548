package dev.mooring.api;

import java.util.Arrays;
import java.util.Optional;

/** The kinds Mooring serves, with their REST plural and their class. */
public enum Kind {
    App("apps", dev.mooring.api.App.class),
    Network("networks", dev.mooring.api.Network.class),
    Volume("volumes", dev.mooring.api.Volume.class),
    Secret("secrets", dev.mooring.api.Secret.class),
    GitRepository("gitrepositories", dev.mooring.api.GitRepository.class);

    public final String plural;
    public final Class<? extends MooringResource<?, ?>> type;

    Kind(String plural, Class<? extends MooringResource<?, ?>> type) {
        this.plural = plural;
        this.type = type;
    }

    public static Optional<Kind> byName(String kind) {
        return Arrays.stream(values()).filter(k -> k.name().equals(kind)).findFirst();
    }

    public static Optional<Kind> byPlural(String plural) {
        return Arrays.stream(values()).filter(k -> k.plural.equals(plural)).findFirst();
    }

    public static Kind of(MooringResource<?, ?> r) {
        return byName(r.getClass().getSimpleName()).orElseThrow();
    }
}
