package dev.mooring.docker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's texts (as Docker 20.10 and later word them) turned into sentences without IDs. */
class EngineMessagesTest {
    static final String ID = "1d4bb9e8e98ab489d8de80acfe1e1ee4fbd13c627ccc2cd6d8efd851c9a6c174";

    @Test
    void aPortHeldByAnotherContainerIsAPortConflict() {
        EngineMessages.Plain p = EngineMessages.plain("container.start", "local", "driver failed programming external connectivity on endpoint "
                + "shop-web-1 (" + ID + "): Bind for 127.0.0.1:8080 failed: port is already allocated");
        assertThat(p.reason()).isEqualTo("PortConflict");
        assertThat(p.message()).isEqualTo("container.start: host port 127.0.0.1:8080 is already in use on engine local");
    }

    @Test
    void aPortHeldByAnotherProgramIsAPortConflict() {
        EngineMessages.Plain p = EngineMessages.plain("container.start", "edge", "driver failed programming external connectivity on endpoint "
                + "shop-web-1 (" + ID + "): Error starting userland proxy: listen tcp4 0.0.0.0:80: bind: address already in use");
        assertThat(p.reason()).isEqualTo("PortConflict");
        assertThat(p.message()).isEqualTo("container.start: host port 0.0.0.0:80 is already in use on engine edge");
    }

    @Test
    void aNameConflictDoesNotSayWhoseContainerHasTheName() {
        EngineMessages.Plain p = EngineMessages.plain("container.create", "local", "Conflict. The container name \"/shop-web-1\" is already "
                + "in use by container \"" + ID + "\". You have to remove (or rename) that container to be able to reuse that name.");
        assertThat(p.reason()).isEqualTo("NameConflict");
        assertThat(p.message()).startsWith("container.create: the container name shop-web-1 is already in use on engine local")
                .doesNotContain(ID.substring(0, 12));
    }

    @Test
    void otherTextsKeepTheirWordsButNoObjectIdsExceptImageDigests() {
        EngineMessages.Plain p = EngineMessages.plain("container.start", "local", "Container " + ID + " is restarting, image sha256:" + ID);
        assertThat(p.reason()).isNull();
        assertThat(p.message()).isEqualTo("container.start on engine local: Container <id> is restarting, image sha256:" + ID);
    }
}
