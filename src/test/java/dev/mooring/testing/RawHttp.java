package dev.mooring.testing;

import io.restassured.RestAssured;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what HTTP clients will not send: a request from a chosen
 * loopback source address (127.x.y.z, so that a test's requests are told from every other test's)
 * and a chunked body of any size. One keep-alive connection to the test server.
 */
public final class RawHttp implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** An answer: status, headers (names in lower case) and body as text. */
    public record Response(int status, Map<String, String> headers, String body) {
    }

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to the test server from {@code sourceAddress} (a loopback address; null: any). */
    public static RawHttp connect(String sourceAddress) throws IOException {
        Socket s = new Socket();
        if (sourceAddress != null) {
            s.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 5000);
        s.setSoTimeout(30_000);
        return new RawHttp(s);
    }

    /** Sends a request without a body (plus {@code extraHeaders}, each line ending in CRLF) and reads the answer. */
    public Response send(String method, String path, String extraHeaders) throws IOException {
        out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n" + (extraHeaders == null ? "" : extraHeaders) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return read();
    }

    /**
     * Sends a request with {@code body} as a chunked body in chunks of {@code chunkSize} bytes and
     * reads the answer; a server that answers before the body is all sent (and closes) ends the
     * sending early.
     */
    public Response sendChunked(String method, String path, String headers, byte[] body, int chunkSize) throws IOException {
        out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        try {
            for (int at = 0; at < body.length; at += chunkSize) {
                int n = Math.min(chunkSize, body.length - at);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, at, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            // the server answered and closed before the whole body was sent: its answer is still there to read
        }
        return read();
    }

    private Response read() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("the server closed the connection without an answer");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
