/** The control socket: the daemon's request server, the CLI's blocking client, and the line protocol between them. */
package dev.endlessd.control;
