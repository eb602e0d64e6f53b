/** What workers write to stdout and stderr, when endlessd must not hand them its terminal. */
package dev.endlessd.output;
