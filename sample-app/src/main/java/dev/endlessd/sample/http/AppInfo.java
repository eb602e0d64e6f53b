package dev.endlessd.sample.http;

import java.util.OptionalLong;

/**
 * What this worker says about itself on {@code GET /}.
 *
 * @param version    the application version
 * @param greeting   the greeting read from the config file at start
 * @param pid        this process's pid, also sent as {@code X-Worker-Pid} on every response
 * @param generation the supervisor's generation number, absent when not started by endlessd
 */
public record AppInfo(String version, String greeting, long pid, OptionalLong generation) {

    /** The generation as logs and responses show it: the number, or {@code -} when absent. */
    public String generationText() {
        return generation.isPresent() ? Long.toString(generation.getAsLong()) : "-";
    }
}
