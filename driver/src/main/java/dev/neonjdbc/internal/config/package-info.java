/**
 * Reading {@code jdbc:neon:} URLs, properties and the environment into {@link
 * dev.neonjdbc.internal.config.ConnectionSettings} (the properties themselves are the public {@link
 * dev.neonjdbc.NeonProperty}): libpq translation, Neon endpoint derivation, security defaults and
 * the driver's configuration errors.
 */
package dev.neonjdbc.internal.config;
