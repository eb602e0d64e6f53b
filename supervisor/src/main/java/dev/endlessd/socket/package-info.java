/** Listening sockets: addresses, binding, adoption from systemd, and the one mode they are handed out in. */
package dev.endlessd.socket;
