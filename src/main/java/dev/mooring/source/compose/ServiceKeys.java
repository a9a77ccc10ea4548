package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.Map;

/**
 * The translation of some of a compose service's keys into its {@link AppSpec}, one concern
 * each (ports, mounts, networks, health, build, deploy, ...). {@link ServiceTranslator} hands
 * each key of a service to the concern that lists it, in the order of the file; supporting a
 * new key is a new entry in one concern's {@link #keys()}.
 */
interface ServiceKeys {
    /** The translation of one key's value; an IllegalArgumentException's message becomes the key's error. */
    @FunctionalInterface
    interface Key {
        void translate(String service, AppSpec spec, Object value, String at);
    }

    /** The keys this concern translates, by name. */
    Map<String, Key> keys();
}
