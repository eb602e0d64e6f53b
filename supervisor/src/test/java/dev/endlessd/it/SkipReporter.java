package dev.endlessd.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints every skipped test and the reason to the build output, where Maven's summary only counts
 * them. Registered for every test of this module through the JUnit extension autodetection that
 * {@code junit-platform.properties} turns on.
 */
public final class SkipReporter implements TestWatcher {
    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        System.out.println("SKIPPED " + context.getRequiredTestClass().getSimpleName() + "."
                + context.getRequiredTestMethod().getName() + ": " + cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, java.util.Optional<String> reason) {
        System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason.orElse("disabled"));
    }
}
