package dev.endlessd.agent.jdk;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens the JDK packages the agent works in, to the agent alone, through
 * {@link Instrumentation#redefineModule}: so that no {@code --add-opens} is needed on the command line
 * and nothing else in the app gains access.
 */
public final class Modules {
    private Modules() {
    }

    public static void open(Instrumentation instrumentation) {
        Module agent = Modules.class.getModule();
        Module javaBase = Object.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(), Map.of(),
                Map.of("sun.nio.ch", Set.of(agent), "jdk.internal.access", Set.of(agent)), Set.of(), Map.of());
        httpServer().ifPresent(module -> instrumentation.redefineModule(module, Set.of(), Map.of(),
                Map.of("sun.net.httpserver", Set.of(agent)), Set.of(), Map.of()));
    }

    private static Optional<Module> httpServer() {
        return ModuleLayer.boot().findModule("jdk.httpserver");
    }
}
