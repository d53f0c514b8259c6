/*
 * The cost model (us-east-1 list prices, DESIGN.md "Cost model"): dollars per million messages from
 * operations counted per message. Pure.
 */

export const PRICES = {
  /** API Gateway WebSocket, per message (32 KB units; every frame here is one unit). */
  websocketMessage: 1.0 / 1e6,
  /** HTTP API, per request. */
  httpRequest: 1.0 / 1e6,
  /** Lambda, per request. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda arm64, per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand, per write unit and per read unit. */
  writeUnit: 0.625 / 1e6,
  readUnit: 0.125 / 1e6,
} as const;

/** Operations per message (averages; fractions allowed). */
export interface PerMessage {
  websocketIn: number;
  websocketOut: number;
  httpRequests: number;
  lambdaRequests: number;
  /** Summed duration × configured memory, in GB-seconds. */
  lambdaGbSeconds: number;
  readUnits: number;
  writeUnits: number;
  /** The WebSocket messages no design can avoid: 1 in plus one out per recipient device. */
  floorWebsocketMessages: number;
}

export interface Cost {
  /** Dollars per million messages. */
  total: number;
  /** API Gateway's WebSocket messages alone (the floor). */
  floor: number;
  /** total / floor - 1 (0.1 = 10% above the floor). */
  overFloor: number;
  /** The durable floor: the floor's frames plus the one write unit that stores the message (issue 15). */
  durable_floor: number;
  /** total / durable_floor (the target is ≤ 1.10). */
  ratio_to_durable_floor: number;
  breakdown: { websocket: number; http: number; lambdaRequests: number; lambdaCompute: number; dynamodbWrites: number; dynamodbReads: number };
}

const perMillion = (n: number) => Math.round(n * 1e6 * 1000) / 1000;

/** The durable floor of a message whose frames are `floorWebsocketMessages`: those frames and the one write unit that stores it. */
export const durableFloorPerMillion = (floorWebsocketMessages: number) => perMillion(floorWebsocketMessages * PRICES.websocketMessage + PRICES.writeUnit);

export function costPerMillion(m: PerMessage): Cost {
  const breakdown = {
    websocket: perMillion((m.websocketIn + m.websocketOut) * PRICES.websocketMessage),
    http: perMillion(m.httpRequests * PRICES.httpRequest),
    lambdaRequests: perMillion(m.lambdaRequests * PRICES.lambdaRequest),
    lambdaCompute: perMillion(m.lambdaGbSeconds * PRICES.lambdaGbSecond),
    dynamodbWrites: perMillion(m.writeUnits * PRICES.writeUnit),
    dynamodbReads: perMillion(m.readUnits * PRICES.readUnit),
  };
  const total = perMillion(Object.values(breakdown).reduce((a, b) => a + b, 0) / 1e6);
  const floor = perMillion(m.floorWebsocketMessages * PRICES.websocketMessage);
  const durableFloor = durableFloorPerMillion(m.floorWebsocketMessages);
  return {
    total,
    floor,
    overFloor: floor > 0 ? Math.round((total / floor - 1) * 1000) / 1000 : NaN,
    durable_floor: durableFloor,
    ratio_to_durable_floor: Math.round((total / durableFloor) * 1000) / 1000,
    breakdown,
  };
}

/** GB-seconds of `durationMs` at `memoryMb`. */
export const gbSeconds = (durationMs: number, memoryMb: number) => (durationMs / 1000) * (memoryMb / 1024);
