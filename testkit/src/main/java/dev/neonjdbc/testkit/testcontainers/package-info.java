/**
 * The stack in Docker containers through Testcontainers, chosen when a Docker engine answers.
 * Testcontainers is an optional dependency: nothing here is loaded unless it is on the class path.
 */
package dev.neonjdbc.testkit.testcontainers;
