/** "1 member", "3 members". */
export const memberCount = (n: number) => `${n} ${n === 1 ? 'member' : 'members'}`;
