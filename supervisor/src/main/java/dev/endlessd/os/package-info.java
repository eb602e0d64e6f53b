/** The libc calls the supervisor makes, bound directly with jnr-ffi. */
package dev.endlessd.os;
