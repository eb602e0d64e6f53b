/** sd_notify: each worker's notify socket and its messages, and the notifier that tells a service manager. */
package dev.endlessd.notify;
