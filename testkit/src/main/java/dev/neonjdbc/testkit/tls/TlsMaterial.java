package dev.neonjdbc.testkit.tls;

import java.nio.file.Path;

/**
 * A generated certificate authority and the certificates it signed, as files.
 *
 * @param caCertificate PEM certificate of the CA
 * @param caKey PEM private key of the CA
 * @param serverCertificate PEM certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}
 * @param serverKey PEM (PKCS8) private key of {@code serverCertificate}
 * @param wrongHostCertificate PEM certificate for {@code wrong.example} only
 * @param wrongHostKey PEM (PKCS8) private key of {@code wrongHostCertificate}
 * @param trustStore PKCS12 trust store holding the CA certificate
 * @param trustStorePassword password of {@code trustStore}
 */
public record TlsMaterial(
    Path caCertificate,
    Path caKey,
    Path serverCertificate,
    Path serverKey,
    Path wrongHostCertificate,
    Path wrongHostKey,
    Path trustStore,
    String trustStorePassword) {}
