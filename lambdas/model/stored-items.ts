import { Channel, EphemeralMessage, Membership, Message, Pin } from './entities';
import type { ChannelItem, EphemeralItem, MembershipItem, MessageItem, PinItem } from './service';
import type { Item } from './store';

/** ElectroDB's `Entity.ownsItem` (public at run time; its typings in 3.9 leave it out). */
interface OwnsItems {
  ownsItem(item: Item): boolean;
}
const owns = (entity: object, item: Item) => (entity as OwnsItems).ownsItem(item);

/** A stored item of the kinds whose changes members see, typed by its entity. */
export type StoredItem =
  | { entity: 'message'; item: MessageItem }
  | { entity: 'membership'; item: MembershipItem }
  | { entity: 'channel'; item: ChannelItem }
  | { entity: 'ephemeral'; item: EphemeralItem }
  | { entity: 'pin'; item: PinItem };

// What a raw item (a stream image) is, by the entity that owns it; undefined for every other item
export function storedItem(raw: Item | undefined): StoredItem | undefined {
  if (!raw) return undefined;
  if (owns(Message, raw)) {
    const item = Message.parse({ Item: raw }).data;
    return item ? { entity: 'message', item } : undefined;
  }
  if (owns(Membership, raw)) {
    const item = Membership.parse({ Item: raw }).data;
    return item ? { entity: 'membership', item } : undefined;
  }
  if (owns(EphemeralMessage, raw)) {
    const item = EphemeralMessage.parse({ Item: raw }).data;
    return item ? { entity: 'ephemeral', item } : undefined;
  }
  if (owns(Pin, raw)) {
    const item = Pin.parse({ Item: raw }).data;
    return item ? { entity: 'pin', item } : undefined;
  }
  if (owns(Channel, raw)) {
    const item = Channel.parse({ Item: raw }).data;
    return item ? { entity: 'channel', item } : undefined;
  }
  return undefined;
}
