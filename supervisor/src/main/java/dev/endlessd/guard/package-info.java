/** The guard: a small process that stops the workers when endlessd is gone without stopping them, across any number of upgrades. */
package dev.endlessd.guard;
