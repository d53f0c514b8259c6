/** Reaction names as emoji (unknown names as :name:), and the picker's choices. */
const EMOJI: Record<string, string> = {
  '+1': '👍', thumbsup: '👍', heart: '❤️', joy: '😂', tada: '🎉', eyes: '👀', white_check_mark: '✅', rocket: '🚀', smile: '😄', pray: '🙏', fire: '🔥',
};
export const PICKER = ['+1', 'heart', 'joy', 'tada', 'eyes', 'white_check_mark', 'rocket'];
export const emoji = (name: string) => EMOJI[name] ?? `:${name}:`;
