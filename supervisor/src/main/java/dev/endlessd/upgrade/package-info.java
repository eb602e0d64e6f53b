/** Self-upgrade: the state a running endlessd hands to the new code it executes in its own process, and the checks around it. */
package dev.endlessd.upgrade;
