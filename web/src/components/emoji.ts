import { emojiFor } from '../mrkdwn/emoji';

/** Reaction names as emoji (unknown names as :name:), and the picker's choices. */
export const PICKER = ['+1', 'heart', 'joy', 'tada', 'eyes', 'white_check_mark', 'rocket'];
export const emoji = (name: string) => emojiFor(name) ?? `:${name}:`;
