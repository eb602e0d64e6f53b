/** The instance's private runtime directory, where its notify and control sockets live. */
package dev.endlessd.runtime;
