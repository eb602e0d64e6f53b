/** One running endlessd: its lock, listeners, control socket, signals and loop watch, wired around the supervisor. */
package dev.endlessd.instance;
