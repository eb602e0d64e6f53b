/** Durations as endlessd's flags, logs and status write them ({@code 500ms}, {@code 3s}, {@code 2m}). */
package dev.endlessd.time;
