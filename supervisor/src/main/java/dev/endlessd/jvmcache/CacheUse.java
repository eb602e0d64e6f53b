package dev.endlessd.jvmcache;

/** How a worker's JVM relates to the cache, as {@code status} shows it. */
public enum CacheUse {
    /** No cache: {@code --java-cache=off}, not a HotSpot java 17+, or the state directory is unusable. */
    NONE("", "none"),
    /** Started cold; writes the archive as it exits after serving. */
    WRITING("java cache: started cold, writes it on exit", "writing"),
    /** Started cold while an older generation writes the archive: a second writer would only redo its work. */
    COLD("java cache: started cold, an older generation writes it", "cold"),
    /** Given the archive; whether the JVM took it is known once it is ready. */
    OFFERED("java cache: starting from it", "offered"),
    /** Ready, and its JVM maps the archive. */
    USED("java cache: started from it", "used"),
    /** Ready without mapping the archive it was given: the archive did not fit this JVM or class path. */
    REFUSED("java cache: refused by the JVM, started cold", "refused");

    private final String text;
    private final String label;

    CacheUse(String text, String label) {
        this.text = text;
        this.label = label;
    }

    /** For a status line; empty for {@link #NONE}. */
    public String text() {
        return text;
    }

    /** One word, for JSON. */
    public String label() {
        return label;
    }
}
