package dev.mooring.api;

/** Names shared by every package that deals with engines. */
public final class Engines {
    /** The engine of {@code DOCKER_HOST}, or the local socket when it is unset. */
    public static final String LOCAL = "local";

    private Engines() {
    }
}
