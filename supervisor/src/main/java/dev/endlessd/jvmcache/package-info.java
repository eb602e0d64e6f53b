/**
 * The class-data cache of Java workers: each generation that leaves writes a class-data archive (JDK
 * 17-24: a dynamic CDS archive; JDK 25+: an AOT cache) into the instance's state directory as it exits,
 * and the next generation starts from it. The options reach the worker's JVM through
 * {@code JAVA_TOOL_OPTIONS}, like the Java agent. Everything here is confined to the supervisor's event
 * loop unless a class says otherwise.
 */
package dev.endlessd.jvmcache;
