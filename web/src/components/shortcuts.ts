// Single-key keyboard shortcuts (ignored while typing in a field or with a
// modifier held). The help overlay (`?`) lists SHORTCUTS.
import { useEffect, useRef } from 'react';

export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: '?', what: 'Show this help' },
  { keys: 'g then q', what: 'Go to the queue' },
  { keys: '/', what: 'Search the queue' },
  { keys: 'j / k', what: 'Next / previous incident in the queue' },
  { keys: 'Enter', what: 'Open the selected incident' },
  { keys: 'a', what: 'Acknowledge the selected (or open) incident' },
  { keys: 'r', what: 'Resolve the open incident' },
  { keys: 'e', what: 'Escalate the open incident' },
  { keys: 'Esc', what: 'Close a dialog or this help' },
];

export function isTypingTarget(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
}

/** Calls handler for the given single keys (e.g. ['j','k']). */
export function useShortcuts(map: Record<string, (e: KeyboardEvent) => void>, enabled = true) {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    if (!enabled) return;
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const h = ref.current[e.key];
      if (h) {
        e.preventDefault();
        h(e);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
