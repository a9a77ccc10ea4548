package dev.mooring.source.crd;

import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceStatus;

import java.lang.reflect.ParameterizedType;
import java.util.Arrays;
import java.util.List;

/** Which kinds are offered as custom resources, and small reflections on their classes. */
final class CustomResources {
    private CustomResources() {
    }

    /**
     * Every kind except Secret: a custom resource's values would sit in etcd readable by whoever
     * may read the resource, so Secrets are written through Mooring's REST API, which keeps them
     * encrypted (README, "Operator mode").
     */
    static List<Kind> kinds() {
        return Arrays.stream(Kind.values()).filter(k -> k != Kind.Secret).toList();
    }

    static boolean offered(String kind) {
        return Kind.byName(kind).map(k -> k != Kind.Secret).orElse(false);
    }

    static Class<?> specType(Kind kind) {
        return (Class<?>) generics(kind)[0];
    }

    static ResourceStatus newStatus(Kind kind) {
        try {
            return (ResourceStatus) ((Class<?>) generics(kind)[1]).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static MooringResource<?, ?> newResource(Kind kind) {
        try {
            return kind.type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.lang.reflect.Type[] generics(Kind kind) {
        return ((ParameterizedType) kind.type.getGenericSuperclass()).getActualTypeArguments();
    }
}
