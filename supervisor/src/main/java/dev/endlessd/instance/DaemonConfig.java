package dev.endlessd.instance;

import dev.endlessd.daemon.SupervisorSettings;
import dev.endlessd.priority.StartupCpu;
import dev.endlessd.socket.ListenSpec;
import dev.endlessd.spawn.RunAs;
import dev.endlessd.spawn.WorkerCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything the daemon needs, parsed and validated at the command line.
 *
 * @param runtimeDirectory the instance's private directory (see {@code RuntimeDirectory.locate})
 * @param listen           empty when the sockets come from systemd socket activation
 * @param user             the user workers run as ({@code --user}), when endlessd runs as root
 * @param startupNice      how much lower the CPU share of a worker is until it is ready, in steps of nice; 0 for none
 * @param startupCpu       how that share is lowered ({@code --startup-cpu})
 * @param javaAgent        whether worker JVMs get endlessd's Java agent ({@code --java-agent})
 * @param reloadOnChange   files and directories whose change of content reloads ({@code --reload-on-change})
 * @param javaCache        whether worker JVMs keep a class-data cache in the state directory ({@code --java-cache})
 */
public record DaemonConfig(String serviceName, WorkerCommand command, List<ListenSpec> listen, int backlog,
                           SupervisorSettings settings, Path runtimeDirectory, Optional<RunAs> user, int startupNice,
                           StartupCpu startupCpu,
                           boolean javaAgent, List<Path> reloadOnChange, boolean javaCache) {
    public DaemonConfig {
        listen = List.copyOf(listen);
        reloadOnChange = List.copyOf(reloadOnChange);
    }
}
