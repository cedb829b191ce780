/** Running external programs (openssl, initdb, pg_ctl, pgbouncer) and dropping root for them. */
package dev.neonjdbc.testkit.process;
