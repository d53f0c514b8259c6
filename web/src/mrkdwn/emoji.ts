/* Emoji by their Slack names: a common set, for reactions and for `:name:` in message text. */

export const EMOJI: Readonly<Record<string, string>> = {
  '+1': '👍', thumbsup: '👍', '-1': '👎', thumbsdown: '👎', ok_hand: '👌', clap: '👏', wave: '👋', raised_hands: '🙌', pray: '🙏', muscle: '💪',
  point_up: '☝️', point_right: '👉', point_left: '👈', v: '✌️', handshake: '🤝',
  smile: '😄', smiley: '😃', grinning: '😀', grin: '😁', laughing: '😆', sweat_smile: '😅', joy: '😂', rofl: '🤣', slightly_smiling_face: '🙂', wink: '😉',
  blush: '😊', innocent: '😇', heart_eyes: '😍', kissing_heart: '😘', yum: '😋', stuck_out_tongue: '😛', thinking_face: '🤔', neutral_face: '😐', expressionless: '😑',
  unamused: '😒', roll_eyes: '🙄', grimacing: '😬', relieved: '😌', pensive: '😔', sleepy: '😪', sleeping: '😴', sunglasses: '😎', nerd_face: '🤓', confused: '😕',
  worried: '😟', open_mouth: '😮', astonished: '😲', flushed: '😳', cry: '😢', sob: '😭', scream: '😱', angry: '😠', rage: '😡', exploding_head: '🤯', party: '🥳',
  partying_face: '🥳', skull: '💀', ghost: '👻', robot_face: '🤖', see_no_evil: '🙈',
  heart: '❤️', broken_heart: '💔', sparkling_heart: '💖', star: '⭐', sparkles: '✨', fire: '🔥', boom: '💥', zap: '⚡', tada: '🎉', confetti_ball: '🎊', balloon: '🎈',
  gift: '🎁', trophy: '🏆', medal: '🏅', rocket: '🚀', eyes: '👀', bulb: '💡', memo: '📝', pushpin: '📌', calendar: '📅', link: '🔗', lock: '🔒', key: '🔑',
  bell: '🔔', mag: '🔍', warning: '⚠️', no_entry: '⛔', x: '❌', white_check_mark: '✅', heavy_check_mark: '✔️', question: '❓', exclamation: '❗', hourglass: '⌛',
  coffee: '☕', beer: '🍺', beers: '🍻', pizza: '🍕', cake: '🍰', sun: '☀️', sunny: '☀️', cloud: '☁️', rainbow: '🌈', snowflake: '❄️', umbrella: '☂️', earth_africa: '🌍',
  100: '💯', chart_with_upwards_trend: '📈', chart_with_downwards_trend: '📉', computer: '💻', bug: '🐛', wrench: '🔧', hammer: '🔨', gear: '⚙️', package: '📦',
  ship: '🚢', construction: '🚧', dog: '🐶', cat: '🐱', unicorn_face: '🦄',
};

export const emojiFor = (name: string): string | undefined => (Object.prototype.hasOwnProperty.call(EMOJI, name) ? EMOJI[name] : undefined);
