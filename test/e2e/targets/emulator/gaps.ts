/*
 * The reasons table: e2e tests an emulator cannot run, each with why. The emulator target marks
 * them skipped (test/e2e/harness/emulator-marks.ts) and reports them per reason; nothing else is
 * skipped there except what the suite already keeps to the local cloud (isLocal()), reported too.
 * A test is named by its file and a piece of its full name (describe titles and the test title,
 * or the title template of a test.each). Observed on MiniStack (docs/emulators.md).
 */

export interface EmulatorGap {
  /** Short key, used in the report. */
  id: string;
  /** What the emulator does not do, precisely enough to file upstream. */
  reason: string;
  tests: Array<{ file: string; name: string }>;
}

export const EMULATOR_GAPS: EmulatorGap[] = [
  {
    id: 'ws-connect-authorizer',
    reason:
      'WebSocket $connect does not invoke REQUEST (Lambda) authorizers, only JWT ones (which AWS does not offer on WebSocket APIs): $connect runs without requestContext.authorizer, so our $connect refuses every handshake (403)',
    tests: [
      { file: 'files.test.ts', name: "upload, complete into a channel: members get files[] live, in history and in sync; url_pri" },
      { file: 'trust-robustness.test.ts', name: "reaction names like __proto__ and constructor are invalid_name, and fan-out goes on for ev" },
      { file: 'trust-robustness.test.ts', name: "query parameters named __proto__ or constructor are ordinary parameters at both gateways" },
      { file: 'trust-robustness.test.ts', name: "the same id in two channels is two messages, each in its own channel; a retry keeps its ts" },
      { file: 'trust-robustness.test.ts', name: "after a kick from a private channel, replaying its id elsewhere posts anew and never retur" },
      { file: 'messaging.test.ts', name: "two people on three devices: a send is acknowledged with its ts and reaches every member d" },
      { file: 'messaging.test.ts', name: "concurrent senders: ts increase in commit order, history agrees, live events arrive in tha" },
      { file: 'messaging.test.ts', name: "the same client_msg_id gives one message and the same ts over HTTP and WebSocket" },
      { file: 'messaging.test.ts', name: "threads: replies carry thread_ts, update the parent, stay out of history unless broadcast" },
      { file: 'messaging.test.ts', name: "non-members and other workspaces can neither read nor write, over HTTP or WebSocket" },
      { file: 'messaging.test.ts', name: "malformed input gets a clear error code, the connection stays open and nothing is stored" },
      { file: 'local-cloud.test.ts', name: "refuses a missing, invalid, forged or expired token with 401 and makes no connection" },
      { file: 'local-cloud.test.ts', name: "accepts a valid token" },
      { file: 'local-cloud.test.ts', name: "routes by action and returns the route response" },
      { file: 'local-cloud.test.ts', name: "answers an unknown action with invalid_arguments and stays open" },
      { file: 'local-cloud.test.ts', name: "closes with 1009 on a frame over 32 KB" },
      { file: 'edits-reactions-marks.test.ts', name: "chat.update: author only; members get message_changed with previous_message; history shows" },
      { file: 'edits-reactions-marks.test.ts', name: "chat.delete: author only; message_deleted; a deleted thread parent keeps its thread readab" },
      { file: 'edits-reactions-marks.test.ts', name: "reactions: aggregated, concurrent adds never lose a count, clear errors, live events" },
      { file: 'edits-reactions-marks.test.ts', name: "read markers: conversations.mark moves last_read; info and list give unread_count; other d" },
      { file: 'edits-reactions-marks.test.ts', name: "typing reaches the other members connected now, not the typist, and is never stored" },
      { file: 'authorization-matrix.test.ts', name: "every HTTP method is 401 and the WebSocket handshake is refused" },
      { file: 'authorization-matrix.test.ts', name: "another workspace: every channel method is channel_not_found, users are user_not_found" },
      { file: 'authorization-matrix.test.ts', name: "a non-member: a private channel does not exist for them; a public one is visible but not r" },
      { file: 'authorization-matrix.test.ts', name: "a member who is not the author: reads and writes, but cannot edit or delete the author's m" },
      { file: 'authorization-matrix.test.ts', name: "the author may edit and delete; after all this no outsider connection saw a single event o" },
      { file: 'fuzz.test.ts', name: 'frames, the connection stays open and every request is answered' },
      { file: 'presence.test.ts', name: "away → active on connect → still active with two devices after one closes → away after bot" },
      { file: 'presence.test.ts', name: "a subscriber gets presence_change active/away for a subscribed user, nothing for others; t" },
      { file: 'presence.test.ts', name: "another workspace's user is user_not_found, and ignored by presence_sub" },
      { file: 'rate-limits.test.ts', name: "a burst to one channel is refused with 429 + Retry-After (HTTP) and retry_after (WebSocket" },
      { file: 'rate-limits.test.ts', name: "the connection cap refuses the handshake past the limit (429), and admits again after a cl" },
      { file: 'trust-limits.test.ts', name: "a 240 KB message and its 480 KB edit reach live devices as references, and stall no other " },
      { file: 'offline-sync.test.ts', name: "sync without a cursor returns no events and a cursor" },
      { file: 'offline-sync.test.ts', name: "a device offline while another device of the same user was online still gets everything, e" },
      { file: 'offline-sync.test.ts', name: "a user offline on every device catches up on messages, joins and leaves after reconnecting" },
      { file: 'offline-sync.test.ts', name: "sync pages stay under the 32 KB frame limit and has_more leads through all of them" },
      // A test.each: the template's '%s' is the route, so the fixed part names all three.
      { file: 'trust-ws-budgets.test.ts', name: 'past its burst answers ratelimited with retry_after' },
      { file: 'trust-ws-budgets.test.ts', name: "300 typing frames in a few seconds reach a listener a handful of times, and nothing else b" },
    ],
  },
  {
    id: 's3-post-policy',
    reason: 'S3 presigned POST: the policy is not enforced (a Content-Type other than the policy\'s is stored, 204, where S3 answers 403 AccessDenied; issue 13 saw another key and a bad signature accepted too)',
    tests: [{ file: 'files.test.ts', name: 'getUploadURLExternal: a presigned POST under a server-chosen key' }],
  },
  {
    id: 'no-cloudfront',
    reason:
      'no CloudFront data plane, and no AWS::CloudFront::PublicKey / KeyGroup / OriginAccessControl / ResponseHeadersPolicy: deployed with mediaCdn=false, so url_private names a domain that never resolves',
    tests: [
      { file: 'files.test.ts', name: 'a non-image file: no dimensions' },
      { file: 'files.test.ts', name: 'served from the media origin' },
      { file: 'files.test.ts', name: 'a completion refused by the message rate limit' },
    ],
  },
  {
    id: 'no-efs',
    reason: 'no AWS::EFS::FileSystem ("Unsupported resource type"), where the search index lives: deployed with search=false',
    tests: [{ file: 'search.test.ts', name: 'search.messages' }],
  },
  {
    id: 'execute-api-hostname',
    reason:
      'API Gateway events carry requestContext.domainName `<api-id>.execute-api.localhost`, which resolves nowhere on a machine without the emulator\'s DNS: the upload URL files.getUploadURLExternal builds from it (Slack\'s form, served by the HTTP API) cannot be reached, though the same API answers in path form',
    tests: [
      { file: 'files.test.ts', name: 'arguments: length and filename checked, type from the name' },
      { file: 'slack-web-api.test.ts', name: "Slack's upload URL (files.getUploadURLExternal without content_type)" },
    ],
  },
  {
    id: 'local-issuer-only',
    reason: 'needs a token only the local issuer mints (signIn with expiresIn < 0); Cognito issues no expired ID token. Not an emulator gap: a real deployment cannot run it either',
    tests: [
      { file: 'local-cloud.test.ts', name: 'HTTP API answers 401 without a token, with a bad one, or an expired one' },
      { file: 'slack-web-api.test.ts', name: 'a bad, expired or missing token is 401, wherever it is sent' },
    ],
  },
];

/** The gap a test falls under, if any: `file` may be a path (its base name is compared). */
export function gapOf(file: string, fullName: string, gaps: EmulatorGap[] = EMULATOR_GAPS): EmulatorGap | undefined {
  const base = file.split(/[\\/]/).pop() ?? file;
  return gaps.find((gap) => gap.tests.some((t) => t.file === base && fullName.includes(t.name)));
}

export interface TestOutcome {
  file: string;
  fullName: string;
  status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled' | 'focused';
}

export interface SuiteFigure {
  passed: number;
  failed: number;
  /** Marked by this table, per gap id. */
  marked: Record<string, number>;
  /** Skipped by the suite itself for every non-local target (isLocal()). */
  localOnly: number;
  failedTests: string[];
}

/** The figure the target prints: every test counted once, every skip with its reason. */
export function figureOf(outcomes: TestOutcome[], gaps: EmulatorGap[] = EMULATOR_GAPS): SuiteFigure {
  const figure: SuiteFigure = { passed: 0, failed: 0, marked: {}, localOnly: 0, failedTests: [] };
  for (const outcome of outcomes) {
    if (outcome.status === 'passed') figure.passed++;
    else if (outcome.status === 'failed') {
      figure.failed++;
      figure.failedTests.push(`${outcome.file}: ${outcome.fullName}`);
    } else {
      const gap = gapOf(outcome.file, outcome.fullName, gaps);
      if (gap) figure.marked[gap.id] = (figure.marked[gap.id] ?? 0) + 1;
      else figure.localOnly++;
    }
  }
  return figure;
}
