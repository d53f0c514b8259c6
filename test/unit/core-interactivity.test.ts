import { actionOf, findElement } from '../../lambdas/core/interactivity';
import { parseManifest } from '../../lambdas/core/apps';

const blocks = [
  { type: 'section', text: { type: 'mrkdwn', text: 'Deploy?' }, accessory: { type: 'button', action_id: 'more', text: { type: 'plain_text', text: 'More' } } },
  {
    type: 'actions', block_id: 'decide', elements: [
      { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: 'v1', style: 'primary' },
      { type: 'static_select', action_id: 'pick', options: [{ text: { type: 'plain_text', text: 'EU' }, value: 'eu' }] },
      { type: 'datepicker', action_id: 'when' },
    ],
  },
];

describe('block actions: the element a click names', () => {
  it('finds actions elements and section accessories; a block without block_id gets a stable derived one', () => {
    expect(findElement(blocks, 'T1', 'approve')?.blockId).toBe('decide');
    expect(findElement(blocks, 'T1', 'approve', 'other')).toBeUndefined();
    const accessory = findElement(blocks, 'T1', 'more');
    expect(accessory?.blockId).toMatch(/^b[0-9A-Z]{5}$/);
    expect(findElement(blocks, 'T1', 'more')?.blockId).toBe(accessory?.blockId);
    expect(findElement(blocks, 'T1', 'more', accessory?.blockId)?.element.action_id).toBe('more');
    // Only buttons and static selects are clickable.
    expect(findElement(blocks, 'T1', 'when')).toBeUndefined();
    expect(findElement(blocks, 'T1', 'missing')).toBeUndefined();
  });

  it('reports the element\'s own value and option, never the client\'s', () => {
    const approve = findElement(blocks, 'T1', 'approve')!;
    expect(actionOf(approve, {}, '1.000001')).toEqual({
      action_id: 'approve', block_id: 'decide', type: 'button', action_ts: '1.000001', text: { type: 'plain_text', text: 'Approve' }, value: 'v1', style: 'primary',
    });
    expect(() => actionOf(approve, { value: 'v2' }, '1.0')).toThrow('invalid_action');
    const pick = findElement(blocks, 'T1', 'pick')!;
    expect(actionOf(pick, { selectedValue: 'eu' }, '1.0')).toMatchObject({ type: 'static_select', selected_option: { value: 'eu', text: { text: 'EU' } } });
    expect(() => actionOf(pick, { selectedValue: 'us' }, '1.0')).toThrow('invalid_action');
    expect(() => actionOf(pick, {}, '1.0')).toThrow('invalid_action');
  });

  it('reads settings.interactivity from the manifest', () => {
    const base = { display_information: { name: 'x' } };
    expect(parseManifest(base).interactivity).toEqual({ enabled: false });
    expect(parseManifest({ ...base, settings: { interactivity: { is_enabled: true, request_url: 'https://a.example/slack/events' } } }).interactivity)
      .toEqual({ enabled: true, requestUrl: 'https://a.example/slack/events' });
    expect(() => parseManifest({ ...base, settings: { interactivity: { is_enabled: true, request_url: 'ftp://x' } } })).toThrow('settings.interactivity.request_url');
  });
});
