package dev.mooring.reconcile;

import dev.mooring.docker.ContainerSpec;
import dev.mooring.docker.DockerEngine;
import dev.mooring.security.Admission;

import java.util.ArrayList;
import java.util.List;

/**
 * An App's bind mounts checked by its namespace's admission level at the last moment: right
 * before a container is created, each host path is resolved again (symlinks followed) and the
 * resolved path is what the engine gets; right before a container is started, the sources it
 * holds are checked again, since the engine follows links in them at every start. A deployer's
 * container that can write in an allowed directory could otherwise swap a link to the Docker
 * socket in after admission (issue 10). Only an engine sharing Mooring's file system can be
 * checked so ({@link Admission#hostPathToMount}).
 */
final class BindMountCheck implements PlanExecutor.HostMounts {
    private final Admission admission;
    private final DockerEngine engine;
    private final String namespace;

    BindMountCheck(Admission admission, DockerEngine engine, String namespace) {
        this.admission = admission;
        this.engine = engine;
        this.namespace = namespace;
    }

    @Override
    public ContainerSpec beforeCreate(ContainerSpec spec) {
        if (spec.mounts().stream().noneMatch(m -> "bind".equals(m.type()))) {
            return spec;
        }
        List<ContainerSpec.MountSpec> mounts = new ArrayList<>();
        for (int i = 0; i < spec.mounts().size(); i++) {
            ContainerSpec.MountSpec m = spec.mounts().get(i);
            // mounts are made in the order of spec.volumes, one each
            mounts.add(!"bind".equals(m.type()) ? m : new ContainerSpec.MountSpec(m.type(),
                    admission.hostPathToMount(namespace, engine.name(), "spec.volumes[" + i + "].hostPath", m.source()),
                    m.target(), m.readOnly(), m.tmpfsSizeBytes()));
        }
        return spec.withMounts(mounts);
    }

    @Override
    public void beforeStart(String containerRef) {
        if (admission.level(namespace) == dev.mooring.security.AdmissionPolicy.Level.privileged) {
            return; // anything goes: no need to ask the engine
        }
        List<String> sources = engine.bindMountSources(containerRef);
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i) != null) {
                admission.hostPathToMount(namespace, engine.name(), "spec.volumes[" + i + "].hostPath", sources.get(i));
            }
        }
    }
}
