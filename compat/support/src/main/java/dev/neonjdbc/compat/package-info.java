/**
 * Helpers shared by the compatibility tests: what a second client of the kit's one-connection
 * PgBouncer pool sees ({@link dev.neonjdbc.compat.SessionState}), direct access to the databases
 * behind the pooler for set-up and clean-up ({@link dev.neonjdbc.compat.KitDatabases}), and a
 * journal of the statements a tool sends ({@link dev.neonjdbc.compat.StatementJournal}).
 */
package dev.neonjdbc.compat;
