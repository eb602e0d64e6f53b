/** Reload on file change: watches files and directories, compares their content, asks for a reload when it differs. */
package dev.endlessd.watch;
