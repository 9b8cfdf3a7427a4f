/** True when every key of `selector` is in `labels` with the same value (CRI label_selector semantics). */
export function matchesLabels(labels: Record<string, string>, selector: Record<string, string> | undefined | null): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}
