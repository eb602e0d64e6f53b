package dev.endlessd.agent.jdk;

import java.lang.reflect.InvocationTargetException;

/**
 * A shutdown hook that runs after every application shutdown hook has finished (Spring Boot's graceful
 * shutdown among them), where {@link Runtime#addShutdownHook} would run it beside them: one of the
 * JVM's own numbered hook slots, through {@code jdk.internal.access.JavaLangAccess}, which
 * {@link Modules#open} opened to the agent. Slots 0 to 2 are the JDK's (console, application hooks,
 * delete-on-exit); the agent takes the highest free one.
 */
public final class LastShutdownHook {
    private static final int FIRST_FREE_SLOT = 3;
    private static final int SLOTS = 10;

    private LastShutdownHook() {
    }

    /** Registers {@code hook}; false (with the JVM unchanged) when no slot is free or the JDK differs. */
    public static boolean register(Runnable hook) {
        Object access;
        java.lang.reflect.Method register;
        try {
            Class<?> secrets = Class.forName("jdk.internal.access.SharedSecrets");
            access = secrets.getMethod("getJavaLangAccess").invoke(null);
            register = Class.forName("jdk.internal.access.JavaLangAccess")
                    .getMethod("registerShutdownHook", int.class, boolean.class, Runnable.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
        for (int slot = SLOTS - 1; slot >= FIRST_FREE_SLOT; slot--) {
            try {
                register.invoke(access, slot, false, hook);
                return true;
            } catch (InvocationTargetException e) {
                // InternalError: the slot is taken; IllegalStateException: the JVM already shuts down
                if (e.getCause() instanceof IllegalStateException) {
                    return false;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }
}
