/**
 * Spring Boot support: an environment post-processor that sets {@code
 * spring.datasource.driver-class-name} to {@code dev.neonjdbc.Driver} when {@code
 * spring.datasource.url} is a {@code jdbc:neon:} URL and no driver class is set, because Boot's
 * {@code DataSourceProperties} guesses the driver from a fixed list of URL prefixes and has no way
 * to add one.
 *
 * <p>Boot 4 moved the post-processor interface to {@code org.springframework.boot} and reads both
 * the new {@code spring.factories} key and, until 4.2 removes it, the old one; Boot 3 reads only
 * the old one. So there are two registrations in {@code META-INF/spring.factories}: {@link
 * dev.neonjdbc.tools.spring.NeonDriverEnvironmentPostProcessor} under the new key and {@link
 * dev.neonjdbc.tools.spring.LegacyNeonDriverEnvironmentPostProcessor} under the old one. Both apply
 * the same rule, which does nothing once the property is set, so Boot 4 running both is harmless.
 */
package dev.neonjdbc.tools.spring;
