package dev.neonjdbc.testkit.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A small HTTPS/1.1 server (keep-alive, {@code Content-Length} and chunked bodies) that notices
 * when a client goes away while its request runs, so the endpoint can cancel the query as Neon's
 * proxy does when a client disconnects ({@code sql_over_http.rs}: the request's {@code
 * CancellationToken}). The JDK's {@code HttpsServer} cannot tell: it hides the socket.
 *
 * <p>One thread per connection reads requests and waits for the answer, meanwhile polling the
 * socket: end of stream means the client aborted. A body over the request limit is not read: the
 * answer (413) is sent and the connection closed.
 */
final class HttpsListener implements AutoCloseable {
  private static final int POLL_MILLIS = 20;
  private static final int IDLE_MILLIS = 60_000;
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  /** A request: method, path, headers by lower-case name, body ({@code null} when over limit). */
  record Request(String method, String path, Map<String, String> headers, byte[] body) {}

  /** An answer: status, headers, body. */
  record Answer(int status, Map<String, String> headers, byte[] body) {}

  /** Set by the handler to what stops its work; run when the client goes away. */
  static final class Cancellation {
    private volatile Runnable action;
    private volatile boolean cancelled;

    /**
     * Registers what cancels the work now running (replacing the previous one); {@code null} once
     * there is nothing left to cancel. Once this returns, the previous action no longer runs.
     */
    synchronized void onCancel(Runnable runnable) {
      this.action = runnable;
      if (cancelled && runnable != null) {
        runnable.run();
      }
    }

    /** Whether the client went away. */
    boolean cancelled() {
      return cancelled;
    }

    synchronized void cancel() {
      cancelled = true;
      if (action != null) {
        action.run();
      }
    }
  }

  /** Answers one request. */
  interface Handler {
    Answer handle(Request request, long requestLimit, Cancellation cancellation);
  }

  private final ServerSocket listener;
  private final Handler handler;
  private final LongSupplier requestLimit;
  private final ExecutorService connections;
  private final ExecutorService workers;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Future<?>> watchers = new ThreadLocal<>();
  private final Thread acceptor;
  private volatile boolean closed;

  HttpsListener(SSLContext tls, String address, Handler handler, LongSupplier requestLimit)
      throws IOException {
    this.handler = handler;
    this.requestLimit = requestLimit;
    SSLServerSocket socket =
        (SSLServerSocket)
            tls.getServerSocketFactory().createServerSocket(0, 128, InetAddress.getByName(address));
    var parameters = socket.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"http/1.1"});
    socket.setSSLParameters(parameters);
    this.listener = socket;
    this.connections = Executors.newCachedThreadPool(daemon("neon-http-sql-conn-"));
    this.workers = Executors.newCachedThreadPool(daemon("neon-http-sql-query-"));
    this.acceptor = new Thread(this::acceptLoop, "neon-http-sql-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = listener.accept();
        open.add(socket);
        connections.execute(() -> serve(socket));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        awaitWatcher(watchers.get());
        watchers.remove();
        socket.setSoTimeout(IDLE_MILLIS);
        String head = readHead(in);
        if (head == null) {
          return;
        }
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length < 3) {
          return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          if (colon > 0) {
            headers.put(
                lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                lines[i].substring(colon + 1).strip());
          }
        }
        long limit = requestLimit.getAsLong();
        byte[] body = readBody(in, headers, limit);
        boolean keepAlive = body != null && !"close".equalsIgnoreCase(headers.get("connection"));
        String path = requestLine[1];
        int query = path.indexOf('?');
        Request request =
            new Request(requestLine[0], query < 0 ? path : path.substring(0, query), headers, body);
        Answer answer = run(socket, in, request, limit);
        if (answer == null) {
          return; // the client is gone
        }
        write(out, answer, keepAlive);
        if (!keepAlive) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away between requests
    } finally {
      open.remove(socket);
    }
  }

  /**
   * Runs the handler on this thread while a watcher polls the socket: end of stream while the
   * request runs means the client aborted, and the handler's work is cancelled. The answer is
   * written as soon as it is ready; the watcher is joined only before the next request is read.
   */
  private Answer run(Socket socket, InputStream in, Request request, long limit)
      throws IOException {
    Cancellation cancellation = new Cancellation();
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    socket.setSoTimeout(POLL_MILLIS);
    Future<?> watcher =
        workers.submit(
            () -> {
              while (!done.get()) {
                synchronized (in) {
                  in.mark(1);
                  try {
                    int next = in.read();
                    if (next < 0) {
                      if (!done.get()) {
                        cancellation.cancel();
                      }
                      return;
                    }
                    in.reset(); // a pipelined request: leave it to the connection thread
                    return;
                  } catch (SocketTimeoutException e) {
                    // still there
                  } catch (IOException e) {
                    if (!done.get()) {
                      cancellation.cancel();
                    }
                    return;
                  }
                }
              }
            });
    Answer answer;
    try {
      answer = handler.handle(request, limit, cancellation);
    } finally {
      done.set(true);
    }
    watchers.set(watcher);
    return cancellation.cancelled() ? null : answer;
  }

  /** Waits for the previous request's watcher before this thread reads again. */
  private static void awaitWatcher(Future<?> watcher) {
    if (watcher == null) {
      return;
    }
    try {
      watcher.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      watcher.cancel(true);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    String terminator = "\r\n\r\n";
    int matched = 0;
    while (matched < terminator.length()) {
      int b;
      try {
        b = in.read();
      } catch (SocketTimeoutException e) {
        return null; // idle keep-alive connection
      }
      if (b < 0 || head.size() >= MAX_HEADER_BYTES) {
        return null;
      }
      head.write(b);
      if (b == terminator.charAt(matched)) {
        matched++;
      } else {
        matched = b == '\r' ? 1 : 0;
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** The body, or {@code null} when it is longer than {@code limit} (then left unread). */
  private static byte[] readBody(InputStream in, Map<String, String> headers, long limit)
      throws IOException {
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in);
        int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
        if (size == 0) {
          while (!readLine(in).isEmpty()) {
            // trailers
          }
          return body.toByteArray();
        }
        if (body.size() + (long) size > limit) {
          return null;
        }
        body.write(in.readNBytes(size));
        readLine(in);
      }
    }
    String declared = headers.get("content-length");
    long length = declared == null ? 0 : Long.parseLong(declared);
    if (length > limit) {
      return null;
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new IOException("the body ended early");
    }
    return body;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private static void write(OutputStream out, Answer answer, boolean keepAlive) throws IOException {
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ").append(answer.status()).append(' ').append(reason(answer.status()));
    head.append("\r\n");
    answer
        .headers()
        .forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("Content-Length: ").append(answer.body().length).append("\r\n");
    head.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(answer.body());
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 413 -> "Payload Too Large";
      case 500 -> "Internal Server Error";
      case 507 -> "Insufficient Storage";
      default -> "Status";
    };
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger number = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    connections.shutdownNow();
    workers.shutdownNow();
    try {
      acceptor.join(5_000);
      connections.awaitTermination(5, TimeUnit.SECONDS);
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
