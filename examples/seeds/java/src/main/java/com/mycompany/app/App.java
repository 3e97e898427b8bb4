// A small web server on the JDK's own com.sun.net.httpserver: GET / answers "hello from Java".
package com.mycompany.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public class App {
  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/", exchange -> {
      byte[] body = "hello from Java\n".getBytes(StandardCharsets.UTF_8);
      int status = exchange.getRequestURI().getPath().equals("/") ? 200 : 404;
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    System.out.println("listening on :" + port);
  }
}
