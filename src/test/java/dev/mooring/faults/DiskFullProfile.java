package dev.mooring.faults;

import dev.mooring.testing.SmallDisk;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/** Mooring with its data dir (the H2 file) on a small file system of the test's own ({@link SmallDisk}). */
public class DiskFullProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SmallDisk.class));
    }
}
