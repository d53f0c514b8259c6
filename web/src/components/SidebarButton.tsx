import { Icon } from './Icon';

const MENU = 'M4 6h16M4 12h16M4 18h16';

/** Opens the sidebar drawer; shown on narrow screens only (styles.css). */
export function SidebarButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className="icon sidebar-button" aria-label="Open sidebar" title="Conversations" onClick={onClick}>
      <Icon d={MENU} />
    </button>
  );
}
