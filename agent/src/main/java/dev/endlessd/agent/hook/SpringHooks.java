package dev.endlessd.agent.hook;

import dev.endlessd.agent.Log;
import dev.endlessd.agent.Readiness;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spring Boot: {@code SpringApplication.run} says when the app is ready (it returns after the context
 * is refreshed and {@code ApplicationReadyEvent} is published), and its default properties, the
 * lowest-precedence property source, ask for a graceful shutdown without overriding anything the user
 * set in {@code application.properties}, the environment or the command line.
 *
 * <p>Called on the thread that runs the app; a nested {@code run} (a parent context) adds nothing.
 */
public final class SpringHooks {
    /** Set by the agent at start. */
    private static volatile long drainMillis = 30_000;
    private static volatile boolean running;

    private SpringHooks() {
    }

    public static void init(long drainBudgetMillis) {
        drainMillis = drainBudgetMillis;
    }

    /** {@code SpringApplication.run(String...)}, on entry. */
    public static void starting(Object application, String[] args) {
        running = true;
        Readiness.springApplicationStarting();
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("server.shutdown", "graceful");
        // Spring's grace ends before endlessd's SIGKILL does, so a slow request is cut by Spring, which logs it.
        defaults.put("spring.lifecycle.timeout-per-shutdown-phase", springGraceMillis(drainMillis) + "ms");
        try {
            Class<?> type = application.getClass();
            while (!type.getName().equals("org.springframework.boot.SpringApplication")) {
                type = type.getSuperclass();
            }
            Field field = type.getDeclaredField("defaultProperties");
            field.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, Object> existing = (Map<String, Object>) field.get(application);
            Map<String, Object> merged = new LinkedHashMap<>(defaults);
            if (existing != null) {
                merged.putAll(existing);
            }
            type.getMethod("setDefaultProperties", Map.class).invoke(application, merged);
            Log.info("Spring Boot: default properties " + defaults + " (application.properties, environment and"
                    + " command line still win); READY once SpringApplication.run returns");
        } catch (ReflectiveOperationException | RuntimeException e) {
            Log.info("Spring Boot: could not set default properties for a graceful shutdown (" + e
                    + "): set server.shutdown=graceful yourself; READY once SpringApplication.run returns");
        }
    }

    /** Whether this is a Spring Boot app: its graceful shutdown is Spring's. */
    public static boolean running() {
        return running;
    }

    /** {@code SpringApplication.run(String...)}, before it returns the context. */
    public static void ready() {
        Readiness.springApplicationReady();
    }

    /** The drain budget less a fifth, at most 5 s less: Spring's own timeout per shutdown phase. */
    static long springGraceMillis(long drainMillis) {
        return drainMillis - Math.min(5_000, drainMillis / 5);
    }
}
