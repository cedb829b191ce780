/** The stack's certificate authority and certificates, generated with the openssl command. */
package dev.neonjdbc.testkit.tls;
