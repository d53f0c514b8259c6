/** Who is calling: the edges build it from a verified token's claims (lambdas/edge/identity.ts). */
export interface Caller {
  userId: string;
  teamId: string;
  /** The user's handle. */
  userName: string;
  realName?: string;
}
