/**
 * `curl -d '{"channel":...}'` sends a JSON object labelled as a form. No form body begins with `{`
 * and ends with `}` meaning anything, so such a body is read as the JSON it is.
 */
export function looksLikeJsonObject(raw: string): boolean {
  const trimmed = raw.trim();
  return trimmed.startsWith('{') && trimmed.endsWith('}');
}
