import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  StringAttribute,
  UserPool,
  type IUserPool,
  type IUserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface IdentityProps {
  /**
   * Let anyone create an account from the app client; off means an administrator invites users.
   * @default false
   */
  readonly selfSignUpEnabled?: boolean;
  /**
   * Issuer whose tokens the APIs accept, to bring another OIDC provider instead of the user pool.
   * Requires `jwtAudience` when set.
   * @default the user pool's issuer, https://cognito-idp.{region}.amazonaws.com/{poolId}
   */
  readonly jwtIssuer?: string;
  /**
   * Where the issuer publishes its signing keys. `{userPoolId}` is replaced by the pool's id (an
   * emulator serves the pool's JWKS at its own address, e.g. `http://127.0.0.1:4566/{userPoolId}/.well-known/jwks.json`).
   * @default `${jwtIssuer}/.well-known/jwks.json`
   */
  readonly jwksUri?: string;
  /**
   * Let the WebSocket authorizer fetch `jwksUri` over plain http. Only for an emulator's local
   * issuer on loopback: over a network, whoever can tamper with that request can mint tokens.
   * @default false
   */
  readonly allowInsecureHttpJwks?: boolean;
  /**
   * Expected `aud` claim of the (ID) tokens.
   * @default the app client id when the issuer is the user pool
   */
  readonly jwtAudience?: string;
  /**
   * Cognito feature plan; PLUS adds threat protection (compromised-credential and risky sign-in
   * detection) at a per-user price.
   * @default FeaturePlan.ESSENTIALS
   */
  readonly featurePlan?: FeaturePlan;
  /**
   * What happens to the user pool when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** What a user may change about themselves through the app client: profile fields, nothing custom. */
const USER_WRITABLE_ATTRIBUTES = new ClientAttributes().withStandardAttributes({ email: true, fullname: true, preferredUsername: true });

/** What the app client's ID tokens carry: the writable profile fields, email_verified and the workspace. */
const USER_READABLE_ATTRIBUTES = new ClientAttributes()
  .withStandardAttributes({ email: true, emailVerified: true, fullname: true, preferredUsername: true })
  .withCustomAttributes('team');

/**
 * Who the users are: a Cognito user pool with a `team` attribute (the workspace) and a public app
 * client, plus the JWT settings every entry point verifies tokens with.
 */
export class Identity extends Construct {
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The `iss` tokens must carry. */
  readonly jwtIssuer: string;
  /** The JWKS endpoint of that issuer. */
  readonly jwksUri: string;
  /** The `aud` tokens must carry. */
  readonly jwtAudience: string;
  /** Whether `jwksUri` may be plain http (see IdentityProps). */
  readonly allowInsecureHttpJwks: boolean;

  constructor(scope: Construct, id: string, props: IdentityProps = {}) {
    super(scope, id);
    if (props.jwtIssuer && !props.jwtAudience) {
      throw new Error('jwtAudience is required when jwtIssuer names another issuer');
    }
    const userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: props.selfSignUpEnabled ?? false,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // The workspace. Mutable so that an administrator can move a user (AdminUpdateUserAttributes);
      // only administrators set it (AdminCreateUser, AdminUpdateUserAttributes): the app client
      // cannot write it (USER_WRITABLE_ATTRIBUTES). Changing mutability would replace the pool.
      customAttributes: { team: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: props.featurePlan ?? FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const client = userPool.addClient('AppClient', {
      generateSecret: false,
      // SRP for real clients; plain password auth so tests can sign in without an SRP library.
      authFlows: { userSrp: true, userPassword: true },
      // Clients sign in through the Cognito API; no hosted UI, so no OAuth flows or callback URLs.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      // Users may read their workspace (it must stay in the ID token) but never write it: with no
      // writeAttributes, UpdateUserAttributes (and SignUp) would accept custom:team from the user.
      readAttributes: USER_READABLE_ATTRIBUTES,
      writeAttributes: USER_WRITABLE_ATTRIBUTES,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    this.userPool = userPool;
    this.userPoolClient = client;
    this.jwtIssuer = props.jwtIssuer ?? `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${userPool.userPoolId}`;
    this.jwksUri = props.jwksUri?.replace('{userPoolId}', userPool.userPoolId) ?? `${this.jwtIssuer}/.well-known/jwks.json`;
    this.allowInsecureHttpJwks = props.allowInsecureHttpJwks ?? false;
    if (!this.allowInsecureHttpJwks && props.jwksUri?.startsWith('http:')) {
      throw new Error('jwksUri is plain http: set allowInsecureHttpJwks (an emulator on loopback only) or use https');
    }
    this.jwtAudience = props.jwtAudience ?? client.userPoolClientId;
  }
}
