package dev.groundwork.testsupport;

import dev.groundwork.infra.RedisUrl;

import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking RESP client for test setup and assertions (flush a db, check a key), so that tests need
 * no second Redis library and stay independent of the client the services use.
 */
public final class RedisConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RedisConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects, authenticates and selects the database named in the URL. */
    public static RedisConnection open(RedisUrl url) throws IOException {
        Socket socket = url.tls() ? SSLSocketFactory.getDefault().createSocket() : new Socket();
        socket.connect(new InetSocketAddress(url.host(), url.port()), 2000);
        socket.setSoTimeout(5000);
        RedisConnection connection = new RedisConnection(socket);
        URI uri = URI.create(url.url());
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            String user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            String password = parts.length == 2 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
            if (user.isEmpty()) {
                connection.call("AUTH", password);
            } else {
                connection.call("AUTH", user, password);
            }
        }
        if (uri.getPath() != null && uri.getPath().length() > 1) {
            connection.call("SELECT", uri.getPath().substring(1));
        }
        return connection;
    }

    /** Sends one command and returns its reply as text (integers and statuses as their digits/words, nil as null). */
    public String call(String... args) throws IOException {
        StringBuilder command = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            command.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        out.write(command.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readReply();
    }

    private String readReply() throws IOException {
        int type = in.read();
        String line = readLine();
        switch (type) {
            case '+', ':' -> {
                return line;
            }
            case '-' -> throw new IOException("Redis answered: " + line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(length + 2);
                return new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                StringBuilder items = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    items.append(i == 0 ? "" : "\n").append(readReply());
                }
                return items.toString();
            }
            default -> throw new IOException("Unexpected reply from Redis: " + (char) type + line);
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c == -1) {
                throw new IOException("Redis closed the connection");
            }
            line.append((char) c);
        }
        in.read(); // '\n'
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
