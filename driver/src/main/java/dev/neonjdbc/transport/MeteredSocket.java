package dev.neonjdbc.transport;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * The already connected (and, for {@code wss}, TLS-wrapped) network socket handed to
 * Java-WebSocket. It reports every byte the client's writer thread puts on the network to the
 * {@link SendWindow}, which is how writers learn that space is free again.
 *
 * <p>Only what Java-WebSocket's client uses is delegated; it never connects or binds this socket.
 */
final class MeteredSocket extends Socket {
  private final Socket network;
  private final SendWindow window;
  private final OutputStream output;

  MeteredSocket(Socket network, SendWindow window) throws IOException {
    this.network = network;
    this.window = window;
    this.output = new MeteredOutputStream(network.getOutputStream());
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
    return "MeteredSocket[" + network + "]";
  }

  private final class MeteredOutputStream extends FilterOutputStream {
    MeteredOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      window.written(length);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      window.written(1);
    }
  }
}
