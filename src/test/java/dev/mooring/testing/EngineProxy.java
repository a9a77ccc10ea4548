package dev.mooring.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP front for the local engine's unix socket, so a test can cut every connection Mooring has
 * to the engine (as a daemon restart or a network blip would) and watch it reconnect.
 */
public final class EngineProxy implements AutoCloseable {
    private final ServerSocket server;
    private final ServerSocket control;
    private final List<java.io.Closeable> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /** Sees the request lines ({@code POST /v1.43/containers/create HTTP/1.1}) that clients send through the proxy. */
    private final java.util.function.Consumer<String> requests;

    public EngineProxy(int port) throws IOException {
        this(port, line -> { });
    }

    /** A proxy that hands every HTTP request line it forwards to {@code requests} (who did what on the engine). */
    public EngineProxy(int port, java.util.function.Consumer<String> requests) throws IOException {
        this.requests = requests;
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", port));
        Thread acceptor = new Thread(this::accept, "engine-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
        control = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
        Thread controller = new Thread(this::control, "engine-proxy-control");
        controller.setDaemon(true);
        controller.start();
    }

    /** The port of the control channel: a connection there cuts every proxied connection and answers how many. */
    public int controlPort() {
        return control.getLocalPort();
    }

    /** Cuts the connections of the proxy behind a control port (from any class loader). */
    public static int cut(int controlPort) {
        try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), controlPort)) {
            return Integer.parseInt(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void control() {
        while (!closed) {
            try (Socket s = control.accept()) {
                s.getOutputStream().write((cutAll() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                SocketChannel engine = SocketChannel.open(StandardProtocolFamily.UNIX);
                engine.connect(UnixDomainSocketAddress.of("/var/run/docker.sock"));
                open.add(client);
                open.add(engine);
                // channel reads and writes directly: streams from Channels on one channel block each other
                InputStream fromClient = client.getInputStream();
                OutputStream toClient = client.getOutputStream();
                pipe(fromClient, b -> {
                    java.util.regex.Matcher m = REQUEST_LINE.matcher(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
                    while (m.find()) {
                        requests.accept(m.group());
                    }
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
                    while (buf.hasRemaining()) {
                        engine.write(buf);
                    }
                }, engine);
                pipeFrom(engine, toClient);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static final java.util.regex.Pattern REQUEST_LINE =
            java.util.regex.Pattern.compile("(?m)^(GET|HEAD|POST|PUT|DELETE) \\S+ HTTP/1\\.[01]");

    private interface Sink {
        void write(byte[] bytes) throws IOException;
    }

    private void pipe(InputStream in, Sink out, java.io.Closeable target) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(java.util.Arrays.copyOf(buf, n));
                }
            } catch (IOException ignored) {
                // the connection was cut
            } finally {
                closeQuietly(target);
            }
        }, "engine-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private void pipeFrom(SocketChannel in, OutputStream out) {
        Thread t = new Thread(() -> {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(16384);
            try {
                while (in.read(buf) >= 0) {
                    buf.flip();
                    out.write(buf.array(), 0, buf.limit());
                    out.flush();
                    buf.clear();
                }
            } catch (IOException ignored) {
                // the connection was cut
            } finally {
                closeQuietly(out);
            }
        }, "engine-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Cuts every open connection; new ones are still accepted. */
    public int cutAll() {
        int n = open.size();
        for (java.io.Closeable c : open) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        open.clear();
        return n;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cutAll();
        server.close();
        control.close();
    }
}
