/** Preparing a fresh PostgreSQL cluster the way Neon presents one: roles, database, secrets. */
package dev.neonjdbc.testkit.postgres;
