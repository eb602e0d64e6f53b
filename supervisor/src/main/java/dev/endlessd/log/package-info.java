/** Log lines a peer can provoke at will, bounded: the first whole, then a count. */
package dev.endlessd.log;
