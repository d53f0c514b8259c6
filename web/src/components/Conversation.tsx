import { useState } from 'react';
import type { Chat } from '../chat/chat';
import { typingIn } from '../chat/typing';
import type { Channel, State } from '../chat/types';
import { InviteDialog, MembersDialog, NotificationsDialog, TopicDialog } from './ChannelDialogs';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { memberCount } from './plural';
import { SidebarButton } from './SidebarButton';

export function Conversation({ chat, state, channel, onOpenSidebar }: { chat: Chat; state: State; channel: Channel; onOpenSidebar: () => void }) {
  const history = state.history[channel.id];
  const [dragging, setDragging] = useState(false);
  const typingUsers = typingIn(state.typing, channel.id, Date.now()).map((u) => chat.userName(u));
  const label = chat.channelLabel(channel);
  const uploads = state.uploads.filter((u) => u.channel === channel.id);
  const [dialog, setDialog] = useState<'members' | 'invite' | 'topic' | 'notifications'>();
  const close = () => setDialog(undefined);
  const muted = !!state.prefs?.muted_channels.includes(channel.id);
  return (
    <div
      className={`conversation${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        for (const f of Array.from(e.dataTransfer.files)) void chat.upload(channel.id, f);
      }}
    >
      <header className="conv-header">
        <SidebarButton onClick={onOpenSidebar} />
        <div className="conv-title">
          <h1>{channel.is_im || channel.is_mpim ? label : `${channel.is_private ? '🔒' : '#'} ${label}`}</h1>
          {!channel.is_im && (channel.topic?.value || channel.is_member) && (
            <p className="topic">
              {channel.topic?.value ? <span aria-label="Topic">{channel.topic.value}</span> : null}
              {channel.is_member && <button className="link" onClick={() => setDialog('topic')}>{channel.topic?.value ? 'Edit topic' : 'Add a topic'}</button>}
            </p>
          )}
        </div>
        {channel.num_members !== undefined && !channel.is_im && (
          channel.is_member
            ? <button className="members link" aria-label={`${memberCount(channel.num_members)}: show members`} onClick={() => setDialog('members')}>{memberCount(channel.num_members)}</button>
            : <span className="members">{memberCount(channel.num_members)}</span>
        )}
        {channel.is_member && !channel.is_im && !channel.is_mpim && (
          <button className="link" onClick={() => setDialog('invite')}>Add people</button>
        )}
        {channel.is_member && (
          <button className="link" onClick={() => setDialog('notifications')}>{muted ? 'Muted' : 'Notifications'}</button>
        )}
        {channel.is_member && !channel.is_im && !channel.is_mpim && (
          <button className="link" onClick={() => void chat.leave(channel.id)}>Leave</button>
        )}
      </header>
      {dialog === 'members' && <MembersDialog chat={chat} state={state} channel={channel} onClose={close} />}
      {dialog === 'invite' && <InviteDialog chat={chat} state={state} channel={channel} onClose={close} />}
      {dialog === 'topic' && <TopicDialog chat={chat} channel={channel} onClose={close} />}
      {dialog === 'notifications' && <NotificationsDialog chat={chat} state={state} channel={channel} onClose={close} />}
      <MessageList chat={chat} state={state} channelId={channel.id} list={history?.list ?? []} hasOlder={!!history?.hasOlder} loading={!!history?.loading} newSince={state.newSince?.channel === channel.id ? state.newSince.after : undefined} />
      <div className="typing" aria-live="polite">{typingUsers.length ? `${typingUsers.join(', ')} ${typingUsers.length > 1 ? 'are' : 'is'} typing…` : ''}</div>
      {uploads.map((u) => (
        <div key={u.id} className="upload" role="status">
          <span>{u.error ?? `Uploading ${u.name}`}</span>
          {!u.error && <progress max={1} value={u.progress} aria-label={`Upload progress for ${u.name}`} />}
        </div>
      ))}
      {channel.is_member ? (
        <Composer chat={chat} channelId={channel.id} placeholder={`Message ${channel.is_im || channel.is_mpim ? label : `#${label}`}`} />
      ) : (
        <div className="join-bar">
          You are viewing #{label}. <button className="primary" onClick={() => void chat.join(channel.id)}>Join channel</button>
        </div>
      )}
    </div>
  );
}
