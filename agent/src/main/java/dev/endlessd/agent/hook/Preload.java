package dev.endlessd.agent.hook;

import dev.endlessd.agent.Log;

/**
 * Loads a class a server would load only at its first request, while the agent's class transformer is
 * still registered: it is removed once the worker is ready ({@code Transformer.retire}).
 */
final class Preload {
    private Preload() {
    }

    /** Loads {@code className} (without initializing it) from the loader of {@code neighbour}'s class. */
    static void named(String className, Object neighbour) {
        try {
            Class.forName(className, false, neighbour.getClass().getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            Log.info("could not load " + className + " ahead of the first request (" + e + "): this version is not"
                    + " covered there");
        }
    }
}
