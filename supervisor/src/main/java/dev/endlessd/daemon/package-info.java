/** The supervisor: its decisions, its phase x event table, its workers' lifecycle, and the thread it runs on. */
package dev.endlessd.daemon;
