import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { DeliveryStats, Recipient, Shares } from '../core/delivery';

/*
 * A large delivery's shares, each posted by a synchronous invocation of the deliver function
 * (lambdas/stream/deliver-share.ts). Synchronous, so the fan-out knows when every share is done
 * and a channel's events stay in order; the shares of one event run side by side.
 */

/** What the deliver function is invoked with. */
export interface ShareRequest {
  /** The event's JSON as the fan-out fitted it (core/budgets.ts). */
  event: string;
  recipients: Recipient[];
}

let client: LambdaClient | undefined;

export function sharesThrough(functionName: string, size: number): Shares {
  return {
    size,
    async deliver(eventJson, recipients) {
      client ??= new LambdaClient({});
      const request: ShareRequest = { event: eventJson, recipients };
      const out = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(request)) }));
      const body = out.Payload?.length ? JSON.parse(Buffer.from(out.Payload).toString('utf8')) : undefined;
      if (out.FunctionError) throw new Error(`the deliver function failed: ${body?.errorType ?? out.FunctionError}: ${body?.errorMessage ?? ''}`);
      return body as DeliveryStats;
    },
  };
}
