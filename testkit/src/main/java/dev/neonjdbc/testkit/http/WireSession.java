package dev.neonjdbc.testkit.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One PostgreSQL session the endpoint runs requests on, spoken in the wire protocol itself so that
 * the endpoint sees what Neon's proxy sees: the RowDescription's fields, the text bytes of every
 * value, the command tag and every field of an ErrorResponse.
 *
 * <p>A query runs as Neon's {@code query_raw_txt} runs it ({@code
 * libs/proxy/tokio-postgres2/src/query.rs} in {@code neondatabase/neon}): the unnamed statement
 * parsed with no parameter types (every parameter {@code unknown}, sent as text), results in text.
 * Login is SCRAM-SHA-256 (or a cleartext password) over plain TCP, as the proxy logs in to a
 * compute.
 */
final class WireSession implements AutoCloseable {
  private static final int PROTOCOL_3_0 = 196608;
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A column of a RowDescription. */
  record Column(
      String name, int tableOid, int columnId, int typeOid, int typeSize, int typeModifier) {}

  /** Receives a query's result as it arrives. */
  interface ResultSink {
    /** The RowDescription (an empty list for statements that return no rows). */
    void columns(List<Column> columns) throws ResponseTooLargeException;

    /** One DataRow; {@code null} entries are SQL NULLs. */
    void row(byte[][] values) throws ResponseTooLargeException;
  }

  /** Thrown by a {@link ResultSink} when the response grows past the endpoint's limit. */
  static final class ResponseTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    ResponseTooLargeException(String message) {
      super(message);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int processId;
  private final int secretKey;
  private final InetSocketAddress address;
  private char transactionStatus = 'I';
  private boolean broken;

  private WireSession(
      Socket socket, InputStream in, OutputStream out, InetSocketAddress address, int[] key) {
    this.socket = socket;
    this.in = in;
    this.out = out;
    this.address = address;
    this.processId = key[0];
    this.secretKey = key[1];
  }

  /**
   * Connects and logs in.
   *
   * @param startup startup parameters besides {@code user} and {@code database} (e.g. {@code
   *     application_name})
   * @throws PgErrorException when the server refuses the login (wrong password, no such database)
   * @throws IOException when the server cannot be reached
   */
  static WireSession login(
      InetSocketAddress address,
      String user,
      String password,
      String database,
      Map<String, String> startup)
      throws IOException, PgErrorException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, CONNECT_TIMEOUT_MILLIS);
      socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS * 3);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      OutputStream out = socket.getOutputStream();
      Message startupMessage = new Message('\0').int32(PROTOCOL_3_0);
      Map<String, String> parameters = new LinkedHashMap<>();
      parameters.put("user", user);
      parameters.put("database", database);
      parameters.putAll(startup);
      parameters.forEach((k, v) -> startupMessage.cString(k).cString(v));
      startupMessage.bytes(new byte[] {0});
      out.write(startupMessage.toBytes());
      out.flush();
      int[] key = new int[2];
      Scram scram = null;
      while (true) {
        Reader message = read(in);
        switch (message.type) {
          case 'R' -> scram = authenticate(message, scram, password, out);
          case 'K' -> {
            key[0] = message.int32();
            key[1] = message.int32();
          }
          case 'Z' -> {
            socket.setSoTimeout(0);
            return new WireSession(socket, in, out, address, key);
          }
          case 'E' -> throw new PgErrorException(message.errorFields());
          default -> {
            // ParameterStatus, NoticeResponse: nothing the endpoint reports
          }
        }
      }
    } catch (IOException | PgErrorException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static Scram authenticate(Reader request, Scram scram, String password, OutputStream out)
      throws IOException {
    int code = request.int32();
    switch (code) {
      case 0 -> {
        return scram;
      }
      case 3 -> {
        out.write(new Message('p').cString(password).toBytes());
        out.flush();
        return scram;
      }
      case 10 -> {
        Scram client = new Scram(password);
        byte[] first = client.firstMessage().getBytes(StandardCharsets.UTF_8);
        out.write(
            new Message('p').cString("SCRAM-SHA-256").int32(first.length).bytes(first).toBytes());
        out.flush();
        return client;
      }
      case 11 -> {
        if (scram == null) {
          throw new IOException("SASL continue without a SASL start");
        }
        String reply = scram.finalMessage(request.rest());
        out.write(new Message('p').bytes(reply.getBytes(StandardCharsets.UTF_8)).toBytes());
        out.flush();
        return scram;
      }
      case 12 -> {
        if (scram == null || !scram.verifyServer(request.rest())) {
          throw new IOException("the server's SCRAM signature does not match");
        }
        return scram;
      }
      default -> throw new IOException("unsupported authentication request " + code);
    }
  }

  /**
   * Runs {@code sql} with text parameters ({@code null} for NULL) as one unnamed extended-protocol
   * statement, feeding the result to {@code sink}.
   *
   * @return the command tag (empty for an empty query)
   * @throws PgErrorException the server's error; the session is still usable (it has reached
   *     ReadyForQuery)
   * @throws ResponseTooLargeException from the sink; the session is then broken and must be closed
   */
  String extendedQuery(String sql, List<String> params, ResultSink sink)
      throws IOException, PgErrorException, ResponseTooLargeException {
    Message flight = new Message('P').cString("").cString(sql).int16(0);
    Message describe = new Message('D').bytes(new byte[] {'S'}).cString("");
    Message bind = new Message('B').cString("").cString("").int16(0).int16(params.size());
    for (String param : params) {
      if (param == null) {
        bind.int32(-1);
      } else {
        byte[] bytes = param.getBytes(StandardCharsets.UTF_8);
        bind.int32(bytes.length).bytes(bytes);
      }
    }
    bind.int16(1).int16(0);
    Message execute = new Message('E').cString("").int32(0);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(flight.toBytes());
    all.write(describe.toBytes());
    all.write(bind.toBytes());
    all.write(execute.toBytes());
    all.write(new Message('S').toBytes());
    send(all.toByteArray());

    PgErrorException error = null;
    String tag = "";
    boolean described = false;
    try {
      while (true) {
        Reader message = read(in);
        switch (message.type) {
          case 'T' -> {
            sink.columns(message.columns());
            described = true;
          }
          case 'n' -> {
            sink.columns(List.of());
            described = true;
          }
          case 'D' -> sink.row(message.dataRow());
          case 'C' -> tag = message.cString();
          case 'E' -> error = new PgErrorException(message.errorFields());
          case 'Z' -> {
            transactionStatus = (char) message.body[0];
            if (error != null) {
              throw error;
            }
            if (!described) {
              sink.columns(List.of());
            }
            return tag;
          }
          default -> {
            // ParseComplete, ParameterDescription, BindComplete, EmptyQueryResponse, notices
          }
        }
      }
    } catch (ResponseTooLargeException | IOException e) {
      broken = true;
      throw e;
    }
  }

  /** Runs {@code sql} with the simple query protocol, ignoring rows; stops at the first error. */
  void simpleQuery(String sql) throws IOException, PgErrorException {
    send(new Message('Q').cString(sql).toBytes());
    PgErrorException error = null;
    try {
      while (true) {
        Reader message = read(in);
        if (message.type == 'E' && error == null) {
          error = new PgErrorException(message.errorFields());
        } else if (message.type == 'Z') {
          transactionStatus = (char) message.body[0];
          if (error != null) {
            throw error;
          }
          return;
        }
      }
    } catch (IOException e) {
      broken = true;
      throw e;
    }
  }

  /** {@code 'I'} idle, {@code 'T'} in a transaction, {@code 'E'} in a failed transaction. */
  char transactionStatus() {
    return transactionStatus;
  }

  /** Whether the session lost its footing (I/O error, abandoned result) and must be closed. */
  boolean broken() {
    return broken || socket.isClosed();
  }

  /** The server process id (what {@code pg_backend_pid()} returns). */
  int processId() {
    return processId;
  }

  /** Sends a CancelRequest for this session's running query (best effort). */
  void cancel() {
    try (Socket cancel = new Socket()) {
      cancel.connect(address, CONNECT_TIMEOUT_MILLIS);
      cancel
          .getOutputStream()
          .write(new Message('\0').int32(80877102).int32(processId).int32(secretKey).toBytes());
      cancel.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
      cancel.getInputStream().read();
    } catch (IOException e) {
      // A cancel is a request, not a promise.
    }
  }

  @Override
  public void close() {
    try {
      if (!socket.isClosed()) {
        out.write(new Message('X').toBytes());
        out.flush();
      }
    } catch (IOException e) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException e) {
      // closing is best effort
    }
  }

  private void send(byte[] bytes) throws IOException {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      broken = true;
      throw e;
    }
  }

  private static Reader read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("the server closed the connection");
    }
    byte[] length = in.readNBytes(4);
    if (length.length < 4) {
      throw new EOFException("the server closed the connection");
    }
    int size =
        ((length[0] & 0xFF) << 24)
            | ((length[1] & 0xFF) << 16)
            | ((length[2] & 0xFF) << 8)
            | (length[3] & 0xFF);
    if (size < 4) {
      throw new IOException("bad message length " + size);
    }
    byte[] body = in.readNBytes(size - 4);
    if (body.length < size - 4) {
      throw new EOFException("the server closed the connection");
    }
    return new Reader((char) type, body);
  }

  /** An outgoing message: type byte (none for {@code '\0'}), length, body. */
  private static final class Message {
    private final char type;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Message(char type) {
      this.type = type;
    }

    Message int32(int value) {
      body.write(value >>> 24);
      body.write(value >>> 16);
      body.write(value >>> 8);
      body.write(value);
      return this;
    }

    Message int16(int value) {
      body.write(value >>> 8);
      body.write(value);
      return this;
    }

    Message cString(String value) {
      bytes(value.getBytes(StandardCharsets.UTF_8));
      body.write(0);
      return this;
    }

    Message bytes(byte[] value) {
      body.write(value, 0, value.length);
      return this;
    }

    byte[] toBytes() {
      byte[] content = body.toByteArray();
      int header = type == '\0' ? 4 : 5;
      byte[] message = new byte[header + content.length];
      int offset = 0;
      if (type != '\0') {
        message[offset++] = (byte) type;
      }
      int length = content.length + 4;
      message[offset++] = (byte) (length >>> 24);
      message[offset++] = (byte) (length >>> 16);
      message[offset++] = (byte) (length >>> 8);
      message[offset++] = (byte) length;
      System.arraycopy(content, 0, message, offset, content.length);
      return message;
    }
  }

  /** An incoming message and a cursor over its body. */
  private static final class Reader {
    final char type;
    final byte[] body;
    private int position;

    Reader(char type, byte[] body) {
      this.type = type;
      this.body = body;
    }

    int int32() {
      int value =
          ((body[position] & 0xFF) << 24)
              | ((body[position + 1] & 0xFF) << 16)
              | ((body[position + 2] & 0xFF) << 8)
              | (body[position + 3] & 0xFF);
      position += 4;
      return value;
    }

    int int16() {
      int value = (short) (((body[position] & 0xFF) << 8) | (body[position + 1] & 0xFF));
      position += 2;
      return value;
    }

    String cString() {
      int end = position;
      while (body[end] != 0) {
        end++;
      }
      String value = new String(body, position, end - position, StandardCharsets.UTF_8);
      position = end + 1;
      return value;
    }

    String rest() {
      String value = new String(body, position, body.length - position, StandardCharsets.UTF_8);
      position = body.length;
      return value;
    }

    List<Column> columns() {
      int count = int16();
      List<Column> columns = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = cString();
        int table = int32();
        int column = int16();
        int type = int32();
        int size = int16();
        int modifier = int32();
        int16(); // format: always text here
        columns.add(new Column(name, table, column, type, size, modifier));
      }
      return columns;
    }

    byte[][] dataRow() {
      int count = int16();
      byte[][] values = new byte[count][];
      for (int i = 0; i < count; i++) {
        int length = int32();
        if (length >= 0) {
          values[i] = new byte[length];
          System.arraycopy(body, position, values[i], 0, length);
          position += length;
        }
      }
      return values;
    }

    Map<Character, String> errorFields() {
      Map<Character, String> fields = new LinkedHashMap<>();
      while (position < body.length && body[position] != 0) {
        char code = (char) body[position++];
        fields.put(code, cString());
      }
      return fields;
    }
  }

  /** The client side of SCRAM-SHA-256 without channel binding (the link is plain TCP). */
  private static final class Scram {
    private static final String GS2_HEADER = "n,,";
    private final String password;
    private final String clientFirstBare;
    private byte[] expectedServerSignature;

    Scram(String password) {
      this.password = password;
      byte[] nonce = new byte[18];
      RANDOM.nextBytes(nonce);
      this.clientFirstBare = "n=,r=" + Base64.getEncoder().encodeToString(nonce);
    }

    String firstMessage() {
      return GS2_HEADER + clientFirstBare;
    }

    String finalMessage(String serverFirst) throws IOException {
      String nonce = attribute(serverFirst, 'r');
      String salt = attribute(serverFirst, 's');
      String iterations = attribute(serverFirst, 'i');
      if (nonce == null || salt == null || iterations == null) {
        throw new IOException("malformed SCRAM server-first message");
      }
      try {
        SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        byte[] salted =
            pbkdf2
                .generateSecret(
                    new PBEKeySpec(
                        password.toCharArray(),
                        Base64.getDecoder().decode(salt),
                        Integer.parseInt(iterations),
                        256))
                .getEncoded();
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
        String withoutProof =
            "c="
                + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8))
                + ",r="
                + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] signature = hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
          proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new IOException("SCRAM computation failed: " + e, e);
      }
    }

    boolean verifyServer(String serverFinal) {
      String signature = attribute(serverFinal, 'v');
      return signature != null
          && expectedServerSignature != null
          && MessageDigest.isEqual(Base64.getDecoder().decode(signature), expectedServerSignature);
    }

    private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String attribute(String message, char name) {
      for (String part : message.split(",")) {
        if (part.length() > 1 && part.charAt(0) == name && part.charAt(1) == '=') {
          return part.substring(2);
        }
      }
      return null;
    }
  }
}
