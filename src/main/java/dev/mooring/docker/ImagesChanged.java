package dev.mooring.docker;

/** Fired when an engine reports an image event: Apps whose tag moved should look again. */
public record ImagesChanged(String engine) {
}
