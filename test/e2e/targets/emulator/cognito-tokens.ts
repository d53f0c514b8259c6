import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { planTestUser, testPassword } from './test-users';

/**
 * ID tokens of Cognito test users, made on first request: AdminCreateUser (workspace set by the
 * administrator), AdminSetUserPassword (permanent, so no challenge), then USER_PASSWORD_AUTH on the
 * app client. Tokens are cached per user; passwords live only in this process's memory.
 */
export class CognitoTestTokens {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
    private readonly clientId: string,
  ) {}

  idToken(name: string, team: string): Promise<string> {
    const plan = planTestUser(name, team);
    let token = this.tokens.get(plan.username);
    if (!token) {
      token = this.create(plan.username, plan.attributes);
      // A failed attempt may be retried by the next request.
      token.catch(() => this.tokens.delete(plan.username));
      this.tokens.set(plan.username, token);
    }
    return token;
  }

  private async create(username: string, attributes: Array<{ Name: string; Value: string }>): Promise<string> {
    const password = testPassword();
    await this.cognito.send(
      new AdminCreateUserCommand({ UserPoolId: this.userPoolId, Username: username, UserAttributes: attributes, MessageAction: 'SUPPRESS' }),
    );
    await this.cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: this.userPoolId, Username: username, Password: password, Permanent: true }));
    const auth = await this.cognito.send(
      new InitiateAuthCommand({ ClientId: this.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );
    const idToken = auth.AuthenticationResult?.IdToken;
    if (!idToken) throw new Error(`sign-in of test user ${username} returned no ID token${auth.ChallengeName ? ` (challenge ${auth.ChallengeName})` : ''}`);
    return idToken;
  }
}
