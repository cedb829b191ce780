package dev.neonjdbc.testkit.front;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The start of a front connection, as Neon's proxy handles it ({@code proxy/src/pglb/handshake.rs},
 * {@code proxy/src/pqproto.rs}, {@code proxy/src/tls/server_config.rs}):
 *
 * <ul>
 *   <li>a first byte {@code 0x16} is a TLS ClientHello: direct TLS, no SSLRequest;
 *   <li>an SSLRequest is answered {@code S} and TLS follows (on a WebSocket, which has no inner
 *       TLS, it is answered {@code N});
 *   <li>GSSENCRequest is answered {@code N};
 *   <li>the TLS server offers ALPN {@code postgresql} only: a client offering other protocols fails
 *       the handshake, a client offering none is accepted (Neon checks {@code None |
 *       Some(postgresql)}); {@link NeonFrontConfig#directTlsRequiresAlpn()} makes direct TLS
 *       require it, as PostgreSQL 17 does;
 *   <li>a StartupMessage without TLS on TCP gets {@link NeonError#TLS_REQUIRED};
 *   <li>protocol 3.x with x &gt; 0 gets NegotiateProtocolVersion 3.0 and the {@code _pq_.} options
 *       refused;
 *   <li>the SNI host name is kept for endpoint routing, and the certificate's SHA-256 for
 *       SCRAM-SHA-256-PLUS ({@code tls-server-end-point}, {@code proxy/src/tls/mod.rs}).
 * </ul>
 */
final class FrontHandshake {
  static final String ALPN_POSTGRESQL = "postgresql";

  /** What the client wants: a session with startup parameters, or a cancel. */
  record Outcome(ClientLink link, Map<String, String> parameters, int cancelPid, int cancelKey) {
    boolean isCancel() {
      return parameters == null;
    }
  }

  private final SSLContext tls;
  private final boolean directTlsRequiresAlpn;

  FrontHandshake(SSLContext tls, boolean directTlsRequiresAlpn) {
    this.tls = tls;
    this.directTlsRequiresAlpn = directTlsRequiresAlpn;
  }

  /**
   * Runs the handshake on a TCP client.
   *
   * @return the outcome, or {@code null} when the connection ended or broke the protocol (the
   *     caller closes it)
   */
  Outcome tcp(Socket socket) throws IOException {
    InputStream raw = socket.getInputStream();
    int first = raw.read();
    if (first < 0) {
      return null;
    }
    if (first == 0x16) {
      SSLSocket secure = startTls(socket, new byte[] {(byte) first});
      if (directTlsRequiresAlpn && !ALPN_POSTGRESQL.equals(secure.getApplicationProtocol())) {
        return null;
      }
      return startup(linkOf(secure, "direct-tls"), true);
    }
    ClientLink plain = ClientLink.plain(socket);
    byte[] rest = new byte[3];
    PgWire.readFully(plain.in(), rest);
    int length =
        (first << 24) | ((rest[0] & 0xFF) << 16) | ((rest[1] & 0xFF) << 8) | (rest[2] & 0xFF);
    return startup(plain, false, length);
  }

  /** Runs the handshake on a WebSocket client (no inner TLS). */
  Outcome webSocket(ClientLink link) throws IOException {
    return startup(link, true);
  }

  private Outcome startup(ClientLink link, boolean secured) throws IOException {
    return startup(link, secured, PgWire.readInt(link.in()));
  }

  private Outcome startup(ClientLink link, boolean secured, int length) throws IOException {
    boolean triedGss = false;
    while (true) {
      if (length < 8 || length > 10_000) {
        return null;
      }
      byte[] body = new byte[length - 4];
      PgWire.readFully(link.in(), body);
      PgWire.BodyReader reader = new PgWire.BodyReader(body);
      int code = reader.int32();
      switch (code) {
        case PgWire.SSL_REQUEST -> {
          if (secured && !link.isWebSocket()) {
            return null; // a second SSLRequest: protocol violation
          }
          if (link.isWebSocket()) {
            link.send(new byte[] {'N'});
          } else {
            if (link.in().available() > 0) {
              return null; // data before the answer to SSLRequest: Neon's EarlyData violation
            }
            link.send(new byte[] {'S'});
            SSLSocket secure = startTls(link.socket(), new byte[0]);
            link = linkOf(secure, "tls");
            secured = true;
          }
        }
        case PgWire.GSS_ENC_REQUEST -> {
          if (triedGss) {
            return null;
          }
          triedGss = true;
          link.send(new byte[] {'N'});
        }
        case PgWire.CANCEL_REQUEST -> {
          return new Outcome(link, null, reader.int32(), reader.int32());
        }
        default -> {
          if ((code >>> 16) != 3) {
            return null;
          }
          Map<String, String> parameters = PgWire.startupParameters(reader);
          if (!secured) {
            link.send(
                new PgWire.Flight()
                    .proxyError(NeonError.TLS_REQUIRED.sqlState(), NeonError.TLS_REQUIRED.message())
                    .toBytes());
            return null;
          }
          if ((code & 0xFFFF) > 0) {
            negotiateProtocolVersion(link, parameters);
          }
          return new Outcome(link, parameters, 0, 0);
        }
      }
      try {
        length = PgWire.readInt(link.in());
      } catch (EOFException e) {
        return null;
      }
    }
  }

  private static void negotiateProtocolVersion(ClientLink link, Map<String, String> parameters)
      throws IOException {
    List<String> refused =
        parameters.keySet().stream().filter(key -> key.startsWith("_pq_.")).toList();
    refused.forEach(parameters::remove);
    PgWire.Flight flight = new PgWire.Flight().begin('v').int32(0).int32(refused.size());
    refused.forEach(flight::cString);
    link.send(flight.end().toBytes());
  }

  /** TLS server over {@code socket}, with {@code consumed} bytes already read from it. */
  private SSLSocket startTls(Socket socket, byte[] consumed) throws IOException {
    SSLSocket secure =
        (SSLSocket)
            tls.getSocketFactory().createSocket(socket, new ByteArrayInputStream(consumed), true);
    SSLParameters parameters = secure.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {ALPN_POSTGRESQL});
    secure.setSSLParameters(parameters);
    secure.setUseClientMode(false);
    secure.startHandshake();
    return secure;
  }

  private static ClientLink linkOf(SSLSocket secure, String transport) throws IOException {
    SSLSession session = secure.getSession();
    String serverName = null;
    if (session instanceof ExtendedSSLSession extended) {
      for (SNIServerName name : extended.getRequestedServerNames()) {
        if (name instanceof SNIHostName host) {
          serverName = host.getAsciiName();
        }
      }
    }
    return ClientLink.tls(secure, serverName, endPointHash(session), transport);
  }

  /** {@code tls-server-end-point} (RFC 5929): SHA-256 of the certificate the front presented. */
  private static byte[] endPointHash(SSLSession session) throws IOException {
    Certificate[] local = session.getLocalCertificates();
    if (local == null || local.length == 0) {
      throw new IOException("the TLS session has no server certificate");
    }
    try {
      return Scram.sha256(local[0].getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IOException("cannot encode the front's certificate", e);
    }
  }
}
