export function Avatar({ name }: { name: string }) {
  const hue = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return <div className="avatar" aria-hidden="true" style={{ background: `hsl(${hue} 45% 38%)` }}>{name.slice(0, 1).toUpperCase()}</div>;
}
