/**
 * The stack in Docker containers through Testcontainers, chosen when a Docker engine answers: the
 * kit's own PostgreSQL 17 + PgBouncer 1.24 image, built from Debian packages when missing and never
 * pulled; Ryuk switched off and replaced by the kit's label-based reaper. {@link
 * dev.neonjdbc.testkit.testcontainers.DockerProbe} loads nothing from Testcontainers unless it is
 * on the class path.
 */
package dev.neonjdbc.testkit.testcontainers;
