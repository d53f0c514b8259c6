import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/*
 * Amazon's DynamoDB Local, listening on 127.0.0.1 only. The jar has no bind-address option: its
 * DynamoDBProxyServer builds a Jetty Server from a bare port, whose connector binds every interface.
 * This launcher (run by dynamodb-local.ts beside it, in Java's source-file mode, with the jar on the
 * class path) builds the same server from the same command line, sets the connector's host before
 * Jetty opens the socket, then starts it. If the jar ever stops matching (no `server` field, no
 * ServerConnector) it exits with an error instead of starting open to the network.
 */
public class DynamoDbLocalOnLoopback {
  private static final String HOST = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind to " + HOST);
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) throw new IllegalStateException("unexpected connector " + connector);
      ((ServerConnector) connector).setHost(HOST);
    }
    proxy.start();
    // DynamoDBProxyServer reports a port it cannot bind on stderr and returns: exit non-zero then.
    if (!server.isStarted()) System.exit(1);
    for (Connector connector : connectors) {
      ServerConnector bound = (ServerConnector) connector;
      System.out.println("DynamoDB Local listening on " + bound.getHost() + ":" + bound.getLocalPort());
    }
  }
}
