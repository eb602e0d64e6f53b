/** The CPU priority of a starting worker: lower until it is ready, so that it takes little from the one serving. */
package dev.endlessd.priority;
