import type { Chat } from '../chat/chat';
import type { Message } from '../chat/types';

/*
 * The interactive elements of an app's Block Kit message: `actions` blocks' buttons and
 * static_selects, and `section` accessories, as real controls; a click tells the app (blocks.action),
 * which answers on its own (usually by replacing the message). Labels are plain text, rendered as
 * React text (never HTML). The blocks' text is shown by the message's text, as today.
 */

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const plain = (v: unknown): string => (isRecord(v) && typeof v.text === 'string' ? v.text : '');

interface Control {
  key: string;
  blockId?: string;
  element: Json;
}

/** The clickable elements of a message's blocks, in order. */
export function controlsOf(blocks: unknown[] | undefined): Control[] {
  const out: Control[] = [];
  (blocks ?? []).forEach((block, i) => {
    if (!isRecord(block)) return;
    const blockId = typeof block.block_id === 'string' && block.block_id !== '' ? block.block_id : undefined;
    const elements = block.type === 'actions' && Array.isArray(block.elements) ? block.elements : block.type === 'section' && block.accessory ? [block.accessory] : [];
    elements.forEach((e, j) => {
      if (isRecord(e) && typeof e.action_id === 'string' && (e.type === 'button' || e.type === 'static_select')) out.push({ key: `${i}.${j}`, blockId, element: e });
    });
  });
  return out;
}

export function MessageActions({ chat, m }: { chat: Chat; m: Message }) {
  const controls = controlsOf(m.blocks);
  if (controls.length === 0) return null;
  return (
    <div className="block-actions">
      {controls.map(({ key, blockId, element }) => {
        const actionId = String(element.action_id);
        if (element.type === 'button') {
          const style = element.style === 'primary' || element.style === 'danger' ? ` ${element.style}` : '';
          return (
            <button key={key} type="button" className={`block-button${style}`}
              onClick={() => void chat.clickAction(m, { action_id: actionId, ...(blockId ? { block_id: blockId } : {}), ...(typeof element.value === 'string' ? { value: element.value } : {}) })}>
              {plain(element.text) || actionId}
            </button>
          );
        }
        const options = (Array.isArray(element.options) ? element.options : []).filter(isRecord);
        return (
          <select key={key} className="block-select" aria-label={plain(element.placeholder) || actionId} defaultValue=""
            onChange={(e) => void chat.clickAction(m, { action_id: actionId, ...(blockId ? { block_id: blockId } : {}), selected_option: { value: e.target.value } })}>
            <option value="" disabled>{plain(element.placeholder) || 'Choose'}</option>
            {options.map((o) => <option key={String(o.value)} value={String(o.value)}>{plain(o.text)}</option>)}
          </select>
        );
      })}
    </div>
  );
}
