package dev.endlessd.agent.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpringHooksTest {
    @Test
    void springsGraceEndsBeforeEndlessdsSigkill() {
        assertEquals(25_000, SpringHooks.springGraceMillis(30_000), "5 s kept back from a long budget");
        assertEquals(1_600, SpringHooks.springGraceMillis(2_000), "a fifth kept back from a short one");
    }
}
