/** CPU cgroups endlessd may use: where its own is, whether it was delegated, one child cgroup per worker generation. */
package dev.endlessd.cgroup;
