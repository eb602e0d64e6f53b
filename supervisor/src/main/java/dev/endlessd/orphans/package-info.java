/**
 * Orphans: the processes workers leave behind (a daemonizing server's double fork, detached helpers),
 * which come back to endlessd as a child subreaper (or as pid 1): reaped whatever they are, and
 * stopped with the generation that left them.
 */
package dev.endlessd.orphans;
