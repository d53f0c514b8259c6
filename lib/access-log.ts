import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

/** One JSON line per request, with what is needed to trace a call and never a token or body. */
export function jsonAccessLogFormat(kind: 'http' | 'websocket'): AccessLogFormat {
  const common = {
    requestId: AccessLogField.contextRequestId(),
    ip: AccessLogField.contextIdentitySourceIp(),
    requestTime: AccessLogField.contextRequestTime(),
    routeKey: AccessLogField.contextRouteKey(),
    status: AccessLogField.contextStatus(),
    error: AccessLogField.contextErrorMessage(),
    authorizerError: AccessLogField.contextAuthorizerError(),
  };
  const specific =
    kind === 'websocket'
      ? { eventType: AccessLogField.contextEventType(), connectionId: AccessLogField.contextConnectionId() }
      : {
          integrationError: '$context.integrationErrorMessage',
          httpMethod: AccessLogField.contextHttpMethod(),
          path: AccessLogField.contextPath(),
          protocol: AccessLogField.contextProtocol(),
          responseLength: AccessLogField.contextResponseLength(),
          responseLatency: AccessLogField.contextResponseLatency(),
        };
  return AccessLogFormat.custom(JSON.stringify({ ...common, ...specific }));
}
