/** Inherited listening sockets and sd_notify readiness: the part of the sample another Netty service can copy. */
package dev.endlessd.sample.activation;
