import { useMemo, type ReactNode } from 'react';
import { parseMrkdwn, type Block, type Inline } from '../mrkdwn/parse';

/** What rendering needs from the client: names for ids, who is reading, and where a channel link goes. */
export interface MrkdwnContext {
  me: string;
  userName: (id: string) => string;
  channelName: (id: string) => string | undefined;
  openChannel: (id: string) => void;
}

/** Message text in Slack's mrkdwn, as React elements (text is never parsed as HTML). */
export function Mrkdwn({ text, context }: { text: string; context: MrkdwnContext }) {
  const blocks = useMemo(() => parseMrkdwn(text), [text]);
  return <>{blocks.map((b, i) => renderBlock(b, i, context))}</>;
}

function renderBlock(block: Block, key: number, context: MrkdwnContext): ReactNode {
  switch (block.type) {
    case 'paragraph':
      return <p key={key} className="md-p">{renderInlines(block.children, context)}</p>;
    case 'code_block':
      return <pre key={key} className="md-pre"><code>{block.text}</code></pre>;
    case 'quote':
      return <blockquote key={key} className="md-quote">{block.children.map((b, i) => renderBlock(b, i, context))}</blockquote>;
    case 'list': {
      const items = block.items.map((item, i) => <li key={i}>{renderInlines(item, context)}</li>);
      return block.ordered ? <ol key={key} className="md-list">{items}</ol> : <ul key={key} className="md-list">{items}</ul>;
    }
  }
}

const renderInlines = (nodes: Inline[], context: MrkdwnContext) => nodes.map((n, i) => renderInline(n, i, context));

function renderInline(node: Inline, key: number, context: MrkdwnContext): ReactNode {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'break':
      return <br key={key} />;
    case 'bold':
      return <strong key={key}>{renderInlines(node.children, context)}</strong>;
    case 'italic':
      return <em key={key}>{renderInlines(node.children, context)}</em>;
    case 'strike':
      return <s key={key}>{renderInlines(node.children, context)}</s>;
    case 'code':
      return <code key={key} className="md-code">{node.text}</code>;
    case 'link':
      return <a key={key} href={node.url} target="_blank" rel="noopener noreferrer">{node.label}</a>;
    case 'user':
      return <span key={key} className={`mention${node.id === context.me ? ' mine' : ''}`} data-user={node.id}>@{context.userName(node.id)}</span>;
    case 'broadcast':
      return <span key={key} className="mention mine">@{node.name}</span>;
    case 'channel': {
      const name = context.channelName(node.id) ?? node.name ?? node.id;
      return <button key={key} type="button" className="channel-link" onClick={() => context.openChannel(node.id)}>#{name}</button>;
    }
    case 'emoji':
      return <span key={key} className="emoji" role="img" aria-label={node.name} title={`:${node.name}:`}>{node.char}</span>;
  }
}
