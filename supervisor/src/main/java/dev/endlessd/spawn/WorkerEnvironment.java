package dev.endlessd.spawn;

import dev.endlessd.socket.SystemdSockets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a worker's environment: the supervisor's own, minus the socket-activation and
 * notification variables that were addressed to the supervisor, plus the ones that belong to this
 * worker. {@code LISTEN_PID} is set by the shell prelude of {@link WorkerCommand}.
 */
public final class WorkerEnvironment {
    public static final String GENERATION = "ENDLESSD_GENERATION";
    public static final String SERVICE_NAME = "ENDLESSD_NAME";
    /** The fd of a datagram socket already connected to the worker's notify socket: see {@code NotifySocket.openClient}. */
    public static final String NOTIFY_FD = "ENDLESSD_NOTIFY_FD";
    /** How long the worker may drain after SIGTERM before SIGKILL, in milliseconds. */
    public static final String DRAIN_TIMEOUT_MS = "ENDLESSD_DRAIN_TIMEOUT_MS";
    public static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

    private static final Set<String> ADDRESSED_TO_SUPERVISOR = Set.of(
            "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC",
            GENERATION, SERVICE_NAME, NOTIFY_FD, DRAIN_TIMEOUT_MS);

    private final Map<String, String> inherited;

    /**
     * @param javaAgent the Java agent jar to add to every JVM the worker starts ({@code JAVA_TOOL_OPTIONS}),
     *                  after whatever options the supervisor's own environment sets there
     */
    public WorkerEnvironment(Map<String, String> supervisorEnvironment, String serviceName, Duration drainTimeout,
                             Optional<Path> javaAgent) {
        Map<String, String> copy = new HashMap<>(supervisorEnvironment);
        copy.keySet().removeAll(ADDRESSED_TO_SUPERVISOR);
        copy.put(SERVICE_NAME, serviceName);
        copy.put(DRAIN_TIMEOUT_MS, Long.toString(drainTimeout.toMillis()));
        javaAgent.ifPresent(jar -> copy.put(JAVA_TOOL_OPTIONS, withAgent(copy.get(JAVA_TOOL_OPTIONS), jar)));
        this.inherited = Map.copyOf(copy);
    }

    /**
     * @param listenerNames one per listening socket, at fd 3 onwards; the notify client follows them
     */
    public Map<String, String> forWorker(long generation, List<String> listenerNames, Path notifySocket) {
        Map<String, String> environment = new HashMap<>(inherited);
        environment.put("LISTEN_FDS", Integer.toString(listenerNames.size()));
        environment.put("LISTEN_FDNAMES", String.join(":", listenerNames));
        environment.put("NOTIFY_SOCKET", notifySocket.toString());
        environment.put(NOTIFY_FD, Integer.toString(SystemdSockets.FIRST_FD + listenerNames.size()));
        environment.put(GENERATION, Long.toString(generation));
        return environment;
    }

    /**
     * The user's options first, then the agent. The JVM splits this variable at whitespace and
     * understands quotes (JDK 9+), so a path with a space is quoted; an agent already named there
     * (an endlessd started by a worker of another) is not added twice.
     */
    private static String withAgent(String userOptions, Path jar) {
        String path = jar.toString();
        String option = "-javaagent:" + (path.matches(".*\\s.*") ? "\"" + path + "\"" : path);
        if (userOptions == null || userOptions.isBlank()) {
            return option;
        }
        return userOptions.contains(option) ? userOptions : userOptions.strip() + " " + option;
    }
}
