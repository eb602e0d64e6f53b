/** Worker processes: command line, environment, fd layout, spawning, reaping and signalling. */
package dev.endlessd.spawn;
