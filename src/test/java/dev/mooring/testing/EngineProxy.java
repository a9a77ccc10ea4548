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
 * to the engine (as a daemon restart or a network blip would) and watch it reconnect, or hold the
 * requests whose request line matches a pattern unanswered (as an engine hung in runc would) until
 * it releases them, when they reach the engine after all.
 */
public final class EngineProxy implements AutoCloseable {
    private final ServerSocket server;
    private final ServerSocket control;
    private final List<java.io.Closeable> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /** Sees the request lines ({@code POST /v1.43/containers/create HTTP/1.1}) that clients send through the proxy. */
    private final java.util.function.Consumer<String> requests;
    /** Request lines matching this wait at the proxy; null: none do. */
    private volatile java.util.regex.Pattern hold;
    /** Opened when the current hold ends: every request held under it goes on to the engine. */
    private volatile java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(0);
    /** Request lines held so far (the held ones and those since released). */
    private final java.util.concurrent.atomic.AtomicInteger heldCount = new java.util.concurrent.atomic.AtomicInteger();

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

    /**
     * The port of the control channel. A connection there sends one command line and reads a number:
     * {@code cut} cuts every proxied connection (answers how many), {@code hold REGEX} holds the
     * requests whose request line matches, {@code release} lets the held ones through, {@code held}
     * answers how many requests were held so far.
     */
    public int controlPort() {
        return control.getLocalPort();
    }

    /** Cuts the connections of the proxy behind a control port (from any class loader). */
    public static int cut(int controlPort) {
        return command(controlPort, "cut");
    }

    /** Holds, behind a control port, every request whose request line (like {@code POST /v1.43/containers/create?name=x HTTP/1.1}) matches. */
    public static void hold(int controlPort, String requestLineRegex) {
        command(controlPort, "hold " + requestLineRegex);
    }

    /** Ends the hold behind a control port: the held requests go on to the engine. */
    public static void release(int controlPort) {
        command(controlPort, "release");
    }

    /** How many requests the proxy behind a control port has held so far. */
    public static int held(int controlPort) {
        return command(controlPort, "held");
    }

    private static int command(int controlPort, String command) {
        try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), controlPort)) {
            s.getOutputStream().write((command + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return Integer.parseInt(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void control() {
        while (!closed) {
            try (Socket s = control.accept()) {
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8)).readLine();
                int answer;
                if (line == null || line.equals("cut")) {
                    answer = cutAll();
                } else if (line.startsWith("hold ")) {
                    hold(java.util.regex.Pattern.compile(line.substring(5)));
                    answer = 0;
                } else if (line.equals("release")) {
                    release();
                    answer = 0;
                } else {
                    answer = heldCount.get();
                }
                s.getOutputStream().write((answer + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** From now on, requests whose request line matches wait at the proxy, unanswered, until {@link #release()}. */
    public synchronized void hold(java.util.regex.Pattern requestLine) {
        if (released.getCount() == 0) {
            released = new java.util.concurrent.CountDownLatch(1);
        }
        hold = requestLine;
    }

    /** Lets every held request go on to the engine, and holds no more. */
    public synchronized void release() {
        hold = null;
        released.countDown();
    }

    /** Waits while the request is held; a hold nobody releases ends with the proxy's use (10 minutes at most). */
    private void awaitRelease() {
        heldCount.incrementAndGet();
        try {
            released.await(10, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
                    boolean held = false;
                    while (m.find()) {
                        requests.accept(m.group());
                        java.util.regex.Pattern h = hold;
                        held |= h != null && h.matcher(m.group()).find();
                    }
                    if (held) {
                        awaitRelease();
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
        release();
        cutAll();
        server.close();
        control.close();
    }
}
