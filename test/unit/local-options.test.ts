import { DEFAULT_PORTS, optionsFrom } from '../../local/options';

describe('local cloud options', () => {
  it('keeps DynamoDB Local on disk unless LOCAL_DYNAMODB_IN_MEMORY=1', () => {
    expect(optionsFrom([], {}).dynamoDbInMemory).toBe(false);
    expect(optionsFrom([], { LOCAL_DYNAMODB_IN_MEMORY: '0' }).dynamoDbInMemory).toBe(false);
    expect(optionsFrom([], { LOCAL_DYNAMODB_IN_MEMORY: '1' }).dynamoDbInMemory).toBe(true);
  });

  it('reads ports, data dir and flags, and refuses a bad number', () => {
    const o = optionsFrom(['--no-synth', '--data-dir', '/tmp/x'], { LOCAL_HTTP_PORT: '0', LOCAL_DYNAMODB_METER: '1' });
    expect(o).toMatchObject({ synth: false, dataDir: '/tmp/x', meterCapacity: true, ports: { ...DEFAULT_PORTS, http: 0 } });
    expect(() => optionsFrom([], { LOCAL_WS_PORT: 'abc' })).toThrow(/LOCAL_WS_PORT/);
  });
});
