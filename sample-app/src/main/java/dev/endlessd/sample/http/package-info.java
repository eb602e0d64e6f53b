/** The HTTP endpoints and the connection lifecycle that lets a drain finish every accepted request. */
package dev.endlessd.sample.http;
