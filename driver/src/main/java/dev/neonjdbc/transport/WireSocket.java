package dev.neonjdbc.transport;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * The already connected (and, for {@code wss}, TLS-wrapped) network socket, shared by
 * Java-WebSocket's client and the tunnel's writers.
 *
 * <p>Data frames are written by the application's thread itself ({@link #writeFrame}), not queued
 * for the client's writer thread: no thread hand-off per flush, and a full network send buffer
 * blocks the writer exactly as a TCP socket would (Java-WebSocket's own queue has no bound). The
 * client's writer thread still sends the handshake, close and pong frames; every write is one whole
 * frame under one lock, so frames never interleave.
 *
 * <p>Only what Java-WebSocket's client uses is delegated; it never connects or binds this socket.
 */
final class WireSocket extends Socket {
  private final Socket network;
  private final OutputStream output;

  WireSocket(Socket network) throws IOException {
    this.network = network;
    this.output = new FrameOutputStream(network.getOutputStream());
  }

  /** Writes one complete frame, blocking while the network cannot take it. */
  void writeFrame(ByteBuffer frame) throws IOException {
    output.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
  }

  @Override
  public InputStream getInputStream() throws IOException {
    return network.getInputStream();
  }

  @Override
  public OutputStream getOutputStream() {
    return output;
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    throw new SocketException("already connected");
  }

  @Override
  public boolean isConnected() {
    return network.isConnected();
  }

  @Override
  public boolean isBound() {
    return network.isBound();
  }

  @Override
  public boolean isClosed() {
    return network.isClosed();
  }

  @Override
  public void close() throws IOException {
    network.close();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    network.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return network.getTcpNoDelay();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    network.setReuseAddress(on);
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    network.setReceiveBufferSize(size);
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    network.setSoTimeout(timeout);
  }

  @Override
  public InetAddress getInetAddress() {
    return network.getInetAddress();
  }

  @Override
  public int getPort() {
    return network.getPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return network.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return network.getLocalSocketAddress();
  }

  @Override
  public String toString() {
    return "WireSocket[" + network + "]";
  }

  /** Each write is a whole frame (Java-WebSocket writes one frame per call) and is atomic. */
  private static final class FrameOutputStream extends FilterOutputStream {
    FrameOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      out.flush();
    }

    @Override
    public synchronized void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public synchronized void flush() throws IOException {
      out.flush();
    }
  }
}
